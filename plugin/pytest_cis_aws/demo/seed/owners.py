"""Owner tags for ``--cis-owner-tag owner``: a resource tagged with its owning team.

The first account's neglected bucket carries ``owner=team-data``, so its failures go to that
team; every other finding has its account's owner where the organization's management account
is audited (``organizations.py`` tags the accounts there), else none. No control reads tags.
"""
from __future__ import annotations

from ..clients import EstateClients

TAG = "owner"
BUCKET_OWNER = "team-data"


def seed(clients: EstateClients, accounts: tuple[str, ...], regions: tuple[str, ...]) -> None:
    first = accounts[0]
    region = regions[1 % len(regions)]  # where section2 put the first account's neglected bucket
    clients.client("s3", first, region).put_bucket_tagging(
        Bucket=f"demo-{first}-loose-uploads", Tagging={"TagSet": [{"Key": TAG, "Value": BUCKET_OWNER}]})
