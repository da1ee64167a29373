"""Section 2 controls, both sides of each, against in-process moto."""
import json


from pytest_cis_aws.demo.seed.section2 import ALL_FLAGS, create_bucket, deny_http_policy, enable_mfa_delete
from tests.harness import A, B
from tests.refusals import Refuse

HTTP_FIX = '(a Deny to "*" on s3:* for its objects when aws:SecureTransport is false)'
ALL_OFF = "BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets"


def seed_buckets(moto):
    """A: "vault" (eu-west-1) does everything right; "sloppy" (us-east-1) nothing;
    "half" denies HTTP only on the bucket ARN, not its objects.
    B: "shielded" is covered by account-level Block Public Access only."""
    create_bucket(moto, A, "eu-west-1", "vault")
    s3 = moto.client("s3", A, "eu-west-1")
    s3.put_bucket_policy(Bucket="vault", Policy=deny_http_policy("vault"))
    s3.put_public_access_block(Bucket="vault", PublicAccessBlockConfiguration=ALL_FLAGS)
    enable_mfa_delete(moto, A, "eu-west-1", "vault")

    create_bucket(moto, A, "us-east-1", "sloppy")
    s3 = moto.client("s3", A, "us-east-1")
    s3.put_bucket_versioning(Bucket="sloppy", VersioningConfiguration={"Status": "Enabled"})
    s3.put_public_access_block(
        Bucket="sloppy", PublicAccessBlockConfiguration={**ALL_FLAGS, "BlockPublicPolicy": False, "RestrictPublicBuckets": False}
    )
    create_bucket(moto, A, "us-east-1", "half")
    half = json.loads(deny_http_policy("half"))
    half["Statement"][0]["Resource"] = "arn:aws:s3:::half"
    s3.put_bucket_policy(Bucket="half", Policy=json.dumps(half))

    create_bucket(moto, B, "us-east-1", "shielded")
    moto.client("s3control", B, "us-east-1").put_public_access_block(
        AccountId=B, PublicAccessBlockConfiguration=ALL_FLAGS
    )


def outcome(run, control, resource):
    finding = run.one(control, resource=resource)
    return finding.status, finding.message


def test_2_1_bucket_controls_both_sides(audit, moto):
    seed_buckets(moto)
    run = audit("2.1.1", "2.1.2", "2.1.3", "2.1.4", accounts=[A, B])

    assert outcome(run, "2.1.1", "arn:aws:s3:::vault") == ("PASS", "")
    assert outcome(run, "2.1.1", "arn:aws:s3:::sloppy") == (
        "FAIL", f"the policy of S3 bucket sloppy does not deny requests made without TLS {HTTP_FIX}"
    )
    assert outcome(run, "2.1.1", "arn:aws:s3:::half") == (
        "FAIL", f"the policy of S3 bucket half does not deny requests made without TLS {HTTP_FIX}"
    )
    # Each bucket is evaluated in its own region, even one outside --aws-regions.
    assert run.one("2.1.1", resource="arn:aws:s3:::vault").region == "eu-west-1"

    assert outcome(run, "2.1.2", "arn:aws:s3:::vault") == ("PASS", "")
    assert outcome(run, "2.1.2", "arn:aws:s3:::sloppy") == (
        "FAIL", "S3 bucket sloppy does not have MFA Delete enabled"
    )

    assert run.statuses("2.1.3") == {f"{A}-global-account": "MANUAL", f"{B}-global-account": "MANUAL"}
    assert run.one("2.1.3", account=A).message.startswith("confirm that the account's S3 data has been scanned")

    assert outcome(run, "2.1.4", "arn:aws:s3:::vault") == ("PASS", "")
    assert outcome(run, "2.1.4", "arn:aws:s3:::shielded") == ("PASS", "")
    assert outcome(run, "2.1.4", "arn:aws:s3:::sloppy") == (
        "FAIL",
        "S3 bucket sloppy is not fully protected by Block Public Access: off at bucket level: "
        f"BlockPublicPolicy, RestrictPublicBuckets; off at account level: {ALL_OFF}",
    )
    # The evidence: the four flags at bucket level and at account level (none configured in A).
    assert run.one("2.1.4", resource="arn:aws:s3:::sloppy").evidence == [
        {"source": "s3:GetBucketPublicAccessBlock", "fields": {"PublicAccessBlockConfiguration": {
            **ALL_FLAGS, "BlockPublicPolicy": False, "RestrictPublicBuckets": False}}},
        {"source": "s3:GetAccountPublicAccessBlock", "fields": {"PublicAccessBlockConfiguration": None}},
    ]
    assert outcome(run, "2.1.4", "arn:aws:s3:::half") == (
        "FAIL",
        f"S3 bucket half is not fully protected by Block Public Access: off at bucket level: {ALL_OFF}; "
        f"off at account level: {ALL_OFF}",
    )


def test_2_1_1_denied_policy_read_is_an_error_for_that_bucket_only(audit, moto):
    create_bucket(moto, A, "us-east-1", "locked")
    create_bucket(moto, A, "us-east-1", "open")
    moto.client("s3", A).put_bucket_policy(Bucket="open", Policy=deny_http_policy("open"))
    run = audit("2.1.1", "2.1.2", accounts=[A], plugins=[Refuse(A, ("s3", "GetBucketPolicy"), message="Access Denied", only_if=lambda params: params.get("Bucket") == "locked")])

    assert outcome(run, "2.1.1", "arn:aws:s3:::locked") == (
        "ERROR",
        f"s3:GetBucketPolicy failed in account {A}, region us-east-1: AccessDenied (Access Denied); "
        "grant s3:GetBucketPolicy to the audit role",
    )
    assert outcome(run, "2.1.1", "arn:aws:s3:::open") == ("PASS", "")
    # Controls that do not read the policy still evaluate the bucket.
    assert run.one("2.1.2", resource="arn:aws:s3:::locked").status == "FAIL"


def test_2_2_1_ebs_default_encryption_per_region(audit, moto):
    moto.client("ec2", A, "eu-west-1").enable_ebs_encryption_by_default()
    run = audit("2.2.1", accounts=[A], regions=["us-east-1", "eu-west-1"])
    assert run.statuses("2.2.1") == {f"{A}-eu-west-1-ebs-defaults": "PASS", f"{A}-us-east-1-ebs-defaults": "FAIL"}
    assert run.one("2.2.1", region="us-east-1").message == (
        f"EBS encryption by default is off in account {A}, region us-east-1"
    )


def db_subnet_group(moto, account, name, *, to_internet):
    """A VPC with two subnets grouped for RDS; with ``to_internet`` the first subnet's route
    table sends 0.0.0.0/0 to an internet gateway (the second uses the VPC's main table)."""
    ec2 = moto.client("ec2", account)
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{n}.0/24", AvailabilityZone=f"us-east-1{zone}")["Subnet"]["SubnetId"]
               for n, zone in ((1, "a"), (2, "b"))]
    route = None
    if to_internet:
        gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnets[0])
        route = (subnets[0], table, gateway)
    moto.client("rds", account).create_db_subnet_group(
        DBSubnetGroupName=name, DBSubnetGroupDescription="test", SubnetIds=subnets
    )
    return route


def test_2_3_rds_instances_both_sides(audit, moto):
    rds = moto.client("rds", A)
    common = dict(DBInstanceClass="db.t3.micro", MasterUsername="admin", MasterUserPassword="password-123", AllocatedStorage=20)
    rds.create_db_instance(DBInstanceIdentifier="tidy", Engine="postgres", StorageEncrypted=True,
                           AutoMinorVersionUpgrade=True, PubliclyAccessible=False, **common)
    rds.create_db_instance(DBInstanceIdentifier="exposed", Engine="mysql", StorageEncrypted=False,
                           AutoMinorVersionUpgrade=False, PubliclyAccessible=True, **common)
    # The flag set, in subnets that route to an internet gateway, and in subnets that do not.
    subnet, table, gateway = db_subnet_group(moto, A, "public-subnets", to_internet=True)
    db_subnet_group(moto, A, "private-subnets", to_internet=False)
    for name, group in (("internet", "public-subnets"), ("flagged", "private-subnets")):
        rds.create_db_instance(DBInstanceIdentifier=name, Engine="postgres", StorageEncrypted=True,
                               AutoMinorVersionUpgrade=True, PubliclyAccessible=True, DBSubnetGroupName=group, **common)
    # B: the route tables cannot be read: the flagged instance's 2.3.3 is an ERROR, not a guess
    db_subnet_group(moto, B, "private-subnets", to_internet=False)
    moto.client("rds", B).create_db_instance(DBInstanceIdentifier="unknown", Engine="postgres", StorageEncrypted=True,
                                             AutoMinorVersionUpgrade=True, PubliclyAccessible=True,
                                             DBSubnetGroupName="private-subnets", **common)
    run = audit("2.3.1", "2.3.2", "2.3.3", accounts=[A, B],
                plugins=[Refuse(B, ("ec2", "DescribeRouteTables"), message="denied by the test")])
    for control in ("2.3.1", "2.3.2"):
        assert run.statuses(control) == {
            f"{A}-us-east-1-db/exposed": "FAIL", f"{A}-us-east-1-db/tidy": "PASS", f"{A}-us-east-1-db/internet": "PASS",
            f"{A}-us-east-1-db/flagged": "PASS", f"{B}-us-east-1-db/unknown": "PASS",
        }
    assert run.one("2.3.1", status="FAIL").message == "RDS instance exposed does not encrypt its storage"
    assert run.one("2.3.2", status="FAIL").message == "RDS instance exposed does not upgrade minor versions automatically"

    def found(name, account=A):
        finding = [f for f in run.of("2.3.3", account=account) if f.test_id.endswith(f"-db/{name}]")][0]
        return finding.status, finding.message

    assert found("tidy") == ("PASS", "")
    assert found("exposed") == ("FAIL", "RDS instance exposed is publicly accessible, and AWS reports no DB subnet group "
                                        "whose routes could show otherwise")
    assert found("internet") == ("FAIL", f"RDS instance internet is publicly accessible: subnet {subnet} routes "
                                         f"0.0.0.0/0 to internet gateway {gateway} (route table {table})")
    assert found("flagged") == ("PASS", "RDS instance flagged has PubliclyAccessible set, but no subnet of its DB subnet "
                                        "group private-subnets routes 0.0.0.0/0 or ::/0 to an internet gateway: it is "
                                        "reachable from the internet only if routing changes")
    assert found("unknown", B) == ("ERROR", (
        f"ec2:DescribeRouteTables failed in account {B}, region us-east-1: AccessDenied (denied by the test); "
        "grant ec2:DescribeRouteTables to the audit role"
    ))


def test_2_4_1_efs_and_an_empty_control(audit, moto):
    efs = moto.client("efs", A)
    sealed = efs.create_file_system(CreationToken="sealed", Encrypted=True, Tags=[{"Key": "Name", "Value": "sealed"}])
    bare = efs.create_file_system(CreationToken="bare", Encrypted=False, Tags=[{"Key": "Name", "Value": "bare"}])
    run = audit("2.4.1", "2.3.1", accounts=[A])
    assert run.statuses("2.4.1") == {
        f"{A}-us-east-1-efs/{sealed['FileSystemId']}": "PASS",
        f"{A}-us-east-1-efs/{bare['FileSystemId']}": "FAIL",
    }
    assert run.one("2.4.1", status="FAIL").message == (
        f"EFS file system bare ({bare['FileSystemId']}) is not encrypted at rest"
    )
    # No DB instances: 2.3.1 has no test items, yet the summary lists it with 0 and 0, and no score.
    assert run.of("2.3.1") == []
    assert any(line.split()[:1] == ["2.3.1"] and line.split()[-3:] == ["0", "0", "n/a"] for line in run.output.splitlines())
