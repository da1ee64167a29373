"""One small estate for the report tests: both sides of 1.4, 1.5 and 5.2, and a security
group whose name and Name tag carry markup, as an attacker's resource would."""
from __future__ import annotations

from moto.iam.models import iam_backends

from tests.harness import A, B

MARKUP = "<img src=x onerror=alert(1)>"
CONTROLS = ("1.4", "1.5", "5.2")


def seed(moto) -> None:
    for account in (A, B):
        moto.client("iam", account)  # materialise the account in moto
    summary = iam_backends[A]["global"].account_summary
    summary._account_access_keys_present = 1  # 1.4 fails in A
    iam_backends[B]["global"].account_summary._account_mfa_enabled = 1  # 1.5 passes in B
    ec2 = moto.client("ec2", A, "us-east-1")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    group = ec2.create_security_group(GroupName=f"web {MARKUP}", Description=f"admin {MARKUP}", VpcId=vpc)["GroupId"]
    ec2.create_tags(Resources=[group], Tags=[{"Key": "Name", "Value": MARKUP}])
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
