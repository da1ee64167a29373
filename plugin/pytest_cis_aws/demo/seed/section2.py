"""Demo estate for section 2 (S3, EBS, RDS, EFS): each control shows both outcomes.

moto does not report MFA Delete (GetBucketVersioning answers only Status); the demo
records it on moto's bucket object and answers it through ``enable_mfa_delete``. That
is seeding, in this process, never the audit path.
"""
from __future__ import annotations

import json

from ..clients import EstateClients

ALL_FLAGS = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}


def deny_http_policy(bucket: str) -> str:
    """A bucket policy that passes 2.1.1."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }],
    })


def create_bucket(clients: EstateClients, account: str, region: str, name: str) -> None:
    s3 = clients.client("s3", account, region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})


# -- moto gap: MFA Delete ------------------------------------------------------------------
def _versioning_with_mfa_delete(self):
    """GetBucketVersioning as moto answers it, plus MFADelete when the demo set it."""
    from moto.core.responses import ActionResult

    result = {"Status": self.backend.get_bucket_versioning(self.bucket_name)}
    mfa_delete = getattr(self.backend.get_bucket(self.bucket_name), "demo_mfa_delete", None)
    if mfa_delete:
        result["MFADelete"] = mfa_delete
    self.data["Action"] = "GetBucketVersioning"
    return self.serialized(ActionResult(result))


def enable_mfa_delete(clients: EstateClients, account: str, region: str, bucket: str) -> None:
    """Version the bucket and mark MFA Delete on (only the root user with MFA can, on AWS)."""
    from moto.s3.models import s3_backends
    from moto.s3.responses import S3Response

    clients.client("s3", account, region).put_bucket_versioning(
        Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    s3_backends[account]["aws"].get_bucket(bucket).demo_mfa_delete = "Enabled"
    if S3Response.get_bucket_versioning is not _versioning_with_mfa_delete:
        S3Response.get_bucket_versioning = _versioning_with_mfa_delete


def db_subnet_group(clients: EstateClients, account: str, region: str, name: str, prefix: str, *, to_internet: bool) -> str:
    """A VPC (``prefix``.0.0/16) with two subnets grouped for RDS; with ``to_internet`` both
    route 0.0.0.0/0 to an internet gateway. Returns the group's name."""
    ec2 = clients.client("ec2", account, region)
    vpc = ec2.create_vpc(CidrBlock=f"{prefix}.0.0/16")["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"{prefix}.{n}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
               for n, zone in enumerate(zones, start=1)]
    if to_internet:
        gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
        for subnet in subnets:
            ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    clients.client("rds", account, region).create_db_subnet_group(
        DBSubnetGroupName=name, DBSubnetGroupDescription=f"demo {name}", SubnetIds=subnets
    )
    return name


# -- the estate ----------------------------------------------------------------------------
def seed(clients: EstateClients, accounts: tuple[str, ...], regions: tuple[str, ...]) -> None:
    first = accounts[0]
    for index, account in enumerate(accounts):
        home = regions[index % len(regions)]
        # A well-kept bucket: HTTPS only, MFA Delete, Block Public Access on.
        secure = f"demo-{account}-secure-data"
        create_bucket(clients, account, home, secure)
        s3 = clients.client("s3", account, home)
        s3.put_bucket_policy(Bucket=secure, Policy=deny_http_policy(secure))
        s3.put_public_access_block(Bucket=secure, PublicAccessBlockConfiguration=ALL_FLAGS)
        enable_mfa_delete(clients, account, home, secure)
        # A neglected bucket in the other region: no policy, no versioning, public access allowed.
        other = regions[(index + 1) % len(regions)]
        loose = f"demo-{account}-loose-uploads"
        create_bucket(clients, account, other, loose)
        clients.client("s3", account, other).put_public_access_block(
            Bucket=loose, PublicAccessBlockConfiguration={**ALL_FLAGS, "RestrictPublicBuckets": False}
        )
        if account != first:
            # Account-wide Block Public Access covers every bucket of the other accounts.
            clients.client("s3control", account, "us-east-1").put_public_access_block(
                AccountId=account, PublicAccessBlockConfiguration=ALL_FLAGS
            )

        for r_index, region in enumerate(regions):
            if (index + r_index) % 2 == 0:
                clients.client("ec2", account, region).enable_ebs_encryption_by_default()

        rds = clients.client("rds", account, home)
        rds.create_db_instance(
            DBInstanceIdentifier="orders-db", Engine="postgres", DBInstanceClass="db.t3.micro",
            MasterUsername="admin", MasterUserPassword="demo-password-1", AllocatedStorage=20,
            StorageEncrypted=True, AutoMinorVersionUpgrade=True, PubliclyAccessible=False,
            MultiAZ=account == first,  # Multi-AZ in one account only (rds-multi-az, v4.0.1 on)
        )
        if account == first:
            # Flagged public and in subnets routed to an internet gateway: really public (2.3.3).
            rds.create_db_instance(
                DBInstanceIdentifier="legacy-reports", Engine="mysql", DBInstanceClass="db.t3.micro",
                MasterUsername="admin", MasterUserPassword="demo-password-1", AllocatedStorage=20,
                StorageEncrypted=False, AutoMinorVersionUpgrade=False, PubliclyAccessible=True,
                DBSubnetGroupName=db_subnet_group(clients, account, home, "reports-public", "10.40", to_internet=True),
            )
            # Flagged public, but its subnets have no route to an internet gateway: 2.3.3 passes, saying so.
            rds.create_db_instance(
                DBInstanceIdentifier="analytics-db", Engine="postgres", DBInstanceClass="db.t3.micro",
                MasterUsername="admin", MasterUserPassword="demo-password-1", AllocatedStorage=20,
                StorageEncrypted=True, AutoMinorVersionUpgrade=True, PubliclyAccessible=True,
                DBSubnetGroupName=db_subnet_group(clients, account, home, "analytics-private", "10.41", to_internet=False),
            )

        efs = clients.client("efs", account, home)
        efs.create_file_system(CreationToken=f"shared-{account}", Encrypted=True,
                               Tags=[{"Key": "Name", "Value": "shared-home"}])
        if account == first:
            efs.create_file_system(CreationToken=f"scratch-{account}", Encrypted=False,
                                   Tags=[{"Key": "Name", "Value": "scratch"}])
