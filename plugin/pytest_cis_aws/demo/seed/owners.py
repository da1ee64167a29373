"""Owner tags for ``--cis-owner-tag owner``: a resource tagged with its owning team.

The first account's open SSH bastion carries ``owner=team-network``, so its failures go to that
team. (A security group, not a bucket: the README's own example control checks buckets' owner
tags, and this tag must change no verdict.) Every other finding has its resource's owner tag
where the demo set one, else its account's where the organization's management account is
audited (``organizations.py`` tags the accounts there), else none.
"""
from __future__ import annotations

from ..clients import EstateClients

TAG = "owner"
GROUP, GROUP_OWNER = "bastion-ssh", "team-network"


def seed(clients: EstateClients, accounts: tuple[str, ...], regions: tuple[str, ...]) -> None:
    first = accounts[0]
    for region in regions:
        ec2 = clients.client("ec2", first, region)
        groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [GROUP]}])["SecurityGroups"]
        for group in groups:
            ec2.create_tags(Resources=[group["GroupId"]], Tags=[{"Key": TAG, "Value": GROUP_OWNER}])
