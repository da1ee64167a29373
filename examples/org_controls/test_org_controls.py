"""Example: an organisation's own controls, run beside the CIS ones.

    pytest cis_checks examples/org_controls --aws-demo

One control per kind of unit: an account (ORG.1), an account in a region (ORG.2) and a
resource (ORG.3). ORG.1 and ORG.2 take their metadata from controls.yaml beside this file;
ORG.3 gives its own in code. Every read goes through the ``aws`` fixture: read-only, each
distinct call made once per run (ORG.2's DescribeInstances is the very call CIS 5.6 makes),
counted, and recorded by --aws-snapshot-out.
"""
from pytest_cis_aws.api import accounts, buckets, custom_control, evidence, passed_because, regions

APPROVED_REGIONS = ("us-east-1",)


@custom_control("ORG.1", units=accounts)
def test_org_1_account_alias(account, aws):
    aliases = aws.call("iam", "ListAccountAliases")["AccountAliases"]
    evidence("iam:ListAccountAliases", AccountAliases=aliases)
    assert aliases, f"account {account.account} has no account alias"
    passed_because(f"account {account.account} is {aliases[0]}")


@custom_control("ORG.2", units=regions)
def test_org_2_instances_only_in_approved_regions(region, aws):
    reservations = aws.client("ec2").describe_instances()["Reservations"]
    running = sorted(instance["InstanceId"] for reservation in reservations for instance in reservation["Instances"]
                     if instance["State"]["Name"] not in ("shutting-down", "terminated"))
    evidence("ec2:DescribeInstances", InstanceIds=running, approved_regions=list(APPROVED_REGIONS))
    assert region.region in APPROVED_REGIONS or not running, (
        f"account {region.account} runs EC2 instances in {region.region}, which is not an approved region: "
        f"{', '.join(running)}"
    )


@custom_control(
    "ORG.3",
    units=buckets,
    title="Ensure every S3 bucket names its owner in an owner tag",
    level=1,
    description="Each bucket carries an owner tag naming the team answerable for its data, so a finding, "
                "a cost or an incident on it reaches someone who can act.",
    remediation={"console": ["Open the bucket in the S3 console, choose Properties, then Tags, and add the "
                             "tag owner with the owning team's name."],
                 "cli": ["aws s3api put-bucket-tagging --bucket <bucket> --tagging 'TagSet=[{Key=owner,Value=<team>}]'"]},
    fix="aws s3api put-bucket-tagging --bucket {name} --tagging 'TagSet=[{{Key=owner,Value=<team>}}]'",
)
def test_org_3_bucket_owner_tag(bucket, aws):
    tagging = aws.call("s3", "GetBucketTagging", Bucket=bucket.name, absent=("NoSuchTagSet",))
    tags = {tag["Key"]: tag["Value"] for tag in (tagging or {}).get("TagSet", [])}
    evidence("s3:GetBucketTagging", TagSet=tags)
    assert tags.get("owner", "").strip(), f"S3 bucket {bucket.name} has no owner tag"
    passed_because(f"S3 bucket {bucket.name} is owned by {tags['owner']}")
