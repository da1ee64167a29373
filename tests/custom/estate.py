"""A small estate for the example controls (examples/org_controls), seeded in moto: each
control passes and fails once or more, in two accounts and two regions."""
from __future__ import annotations

from dataclasses import dataclass

from tests.harness import A, B, REPO

EXAMPLES = REPO / "examples" / "org_controls"
REGIONS = ["us-east-1", "eu-west-1"]
IMAGE = "ami-12c6146b"  # one of moto's bundled images


@dataclass
class Seeded:
    b_foreign_instance: str  # B's instance in eu-west-1, outside the approved regions


def seed(moto) -> Seeded:
    moto.client("iam", A).create_account_alias(AccountAlias="team-a-prod")  # ORG.1: A passes, B fails
    # ORG.2: approved us-east-1 may run anything; B also runs an instance in eu-west-1.
    moto.client("ec2", A, "us-east-1").run_instances(ImageId=IMAGE, MinCount=1, MaxCount=1)
    foreign = moto.client("ec2", B, "eu-west-1").run_instances(ImageId=IMAGE, MinCount=1, MaxCount=1)
    # ORG.3: an owned bucket, one without tags, one whose tags name no owner.
    s3 = moto.client("s3", A, "us-east-1")
    s3.create_bucket(Bucket="a-owned")
    s3.put_bucket_tagging(Bucket="a-owned", Tagging={"TagSet": [{"Key": "owner", "Value": "team-a"}]})
    moto.client("s3", A, "eu-west-1").create_bucket(
        Bucket="a-orphan", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3b = moto.client("s3", B, "us-east-1")
    s3b.create_bucket(Bucket="b-cost-only")
    s3b.put_bucket_tagging(Bucket="b-cost-only", Tagging={"TagSet": [{"Key": "cost-centre", "Value": "42"}]})
    return Seeded(foreign["Instances"][0]["InstanceId"])


def audit_examples(audit, *controls: str, args=(), **kwargs):
    """The audit over cis_checks/ and the examples, only these controls (default: the examples')."""
    return audit(*(controls or ("ORG.*",)), accounts=[A, B], regions=REGIONS, args=[str(EXAMPLES), *args], **kwargs)
