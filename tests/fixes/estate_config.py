"""The configuration fixes rewrite, read straight from moto (not through the suite), before
and after the fixes run, to show a fix changed nothing it was not about."""
from __future__ import annotations

import json

from botocore.exceptions import ClientError

from pytest_cis_aws.demo.clients import EstateClients


def _frozen(value) -> str:
    return json.dumps(value, sort_keys=True)


def read(endpoint: str, accounts, regions) -> dict:
    clients = EstateClients(endpoint)
    found = {"password": {}, "policies": {}, "selectors": {}, "permissions": {}, "acl_entries": {}}
    for account in accounts:
        iam = clients.client("iam", account)
        try:
            found["password"][account] = iam.get_account_password_policy()["PasswordPolicy"]
        except ClientError:
            found["password"][account] = None
        s3 = clients.client("s3", account)
        for bucket in s3.list_buckets().get("Buckets", []):
            try:
                policy = json.loads(s3.get_bucket_policy(Bucket=bucket["Name"])["Policy"])
            except ClientError:
                policy = {"Statement": []}
            statements = policy.get("Statement", [])
            found["policies"][(account, bucket["Name"])] = [_frozen(s) for s in (statements if isinstance(statements, list) else [statements])]
        for region in regions:
            trail_client = clients.client("cloudtrail", account, region)
            for trail in trail_client.describe_trails(includeShadowTrails=False).get("trailList", []):
                answer = trail_client.get_event_selectors(TrailName=trail["TrailARN"])
                found["selectors"][(account, trail["TrailARN"])] = (
                    [_frozen(s) for s in answer.get("EventSelectors", [])]
                    + [_frozen(s) for s in answer.get("AdvancedEventSelectors", [])])
            ec2 = clients.client("ec2", account, region)
            for group in ec2.describe_security_groups()["SecurityGroups"]:
                found["permissions"][(account, region, group["GroupId"])] = _pairs(group)
            for acl in ec2.describe_network_acls()["NetworkAcls"]:
                found["acl_entries"][(account, region, acl["NetworkAclId"])] = [_frozen(e) for e in acl["Entries"]]
    return found


def _pairs(group: dict) -> set[tuple]:
    """Each rule once: (direction, protocol, from, to, source), sources of every kind."""
    pairs = set()
    for direction, key in (("in", "IpPermissions"), ("out", "IpPermissionsEgress")):
        for permission in group.get(key, []):
            head = (direction, str(permission.get("IpProtocol")), permission.get("FromPort"), permission.get("ToPort"))
            for r in permission.get("IpRanges", []):
                pairs.add((*head, r["CidrIp"]))
            for r in permission.get("Ipv6Ranges", []):
                pairs.add((*head, r["CidrIpv6"]))
            for r in permission.get("PrefixListIds", []):
                pairs.add((*head, r["PrefixListId"]))
            for r in permission.get("UserIdGroupPairs", []):
                pairs.add((*head, r.get("GroupId")))
    return pairs
