"""A scalable estate for moto: so many accounts, regions, and resources per region.

Half of each kind of resource is compliant and half is not, so every control that
reads it has work on both sides. Works against a moto server (``EstateClients(url)``)
or in-process moto (``EstateClients()``); our trust tests use it with counts of one.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from pytest_cis_aws.demo.clients import EstateClients

# moto's smallest image id works in every region moto serves.
IMAGE_ID = "ami-12c6146b"


@dataclass(frozen=True)
class Counts:
    """How many of each resource to create; users are global (per account), the rest per region."""

    users: int = 2
    buckets: int = 2
    vpcs: int = 1
    security_groups: int = 2
    instances: int = 2
    trails: int = 1

    @classmethod
    def scaled(cls, factor: int) -> "Counts":
        return cls(*(factor * value for value in cls().__dict__.values()))


def account_ids(how_many: int) -> list[str]:
    return [f"{100000000000 + n * 1111:012d}" for n in range(1, how_many + 1)]


def seed_account(clients: EstateClients, account: str, regions: list[str], counts: Counts) -> None:
    iam = clients.client("iam", account)
    for n in range(counts.users):
        name = f"bench-user-{n}"
        iam.create_user(UserName=name)
        if n % 2:
            iam.create_access_key(UserName=name)
    for region in regions:
        _seed_region(clients, account, region, counts)


def _seed_region(clients: EstateClients, account: str, region: str, counts: Counts) -> None:
    ec2 = clients.client("ec2", account, region)
    s3 = clients.client("s3", account, region)
    vpc_ids = [ec2.create_vpc(CidrBlock=f"10.{n % 250}.0.0/16")["Vpc"]["VpcId"] for n in range(counts.vpcs)]
    default_vpc = vpc_ids[0] if vpc_ids else None
    for n in range(counts.security_groups):
        kwargs = {"VpcId": default_vpc} if default_vpc else {}
        group = ec2.create_security_group(GroupName=f"bench-sg-{n}", Description="bench", **kwargs)["GroupId"]
        if n % 2:  # the non-compliant half: SSH open to the world
            ec2.authorize_security_group_ingress(
                GroupId=group,
                IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
            )
    if counts.instances:
        half = counts.instances // 2
        for tokens, how_many in (("required", counts.instances - half), ("optional", half)):
            if how_many:
                ec2.run_instances(
                    ImageId=IMAGE_ID, MinCount=how_many, MaxCount=how_many, InstanceType="t3.micro",
                    MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled"},
                )
    location = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    buckets = []
    for n in range(counts.buckets):
        name = f"bench-{account}-{region}-{n}"
        s3.create_bucket(Bucket=name, **location)
        if n % 2 == 0:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        buckets.append(name)
    if counts.trails and buckets:
        trails = clients.client("cloudtrail", account, region)
        for n in range(counts.trails):
            name = f"bench-trail-{n}"
            trails.create_trail(Name=name, S3BucketName=buckets[0], IsMultiRegionTrail=n == 0 and region == "us-east-1",
                                EnableLogFileValidation=n % 2 == 0)
            if n % 2 == 0:
                trails.start_logging(Name=name)
                trails.put_event_selectors(
                    TrailName=name,
                    EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}],
                )
        if region == "us-east-1":
            _seed_monitoring(clients, account, region, "bench-trail-0")


# CIS 4.1's filter pattern: one complete monitoring chain per account, so section 4
# reads every link (log group, metric filter, alarm, SNS topic, subscription).
UNAUTHORIZED_CALLS = (
    '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") '
    '&& ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }'
)


def _seed_monitoring(clients: EstateClients, account: str, region: str, trail: str) -> None:
    logs = clients.client("logs", account, region)
    group = "bench-trail-logs"
    logs.create_log_group(logGroupName=group)
    group_arn = f"arn:aws:logs:{region}:{account}:log-group:{group}:*"
    role_arn = f"arn:aws:iam::{account}:role/bench-trail-delivery"
    clients.client("cloudtrail", account, region).update_trail(
        Name=trail, CloudWatchLogsLogGroupArn=group_arn, CloudWatchLogsRoleArn=role_arn
    )
    logs.put_metric_filter(
        logGroupName=group, filterName="unauthorized-calls", filterPattern=UNAUTHORIZED_CALLS,
        metricTransformations=[{"metricName": "UnauthorizedCalls", "metricNamespace": "CIS", "metricValue": "1"}],
    )
    sns = clients.client("sns", account, region)
    topic = sns.create_topic(Name="bench-security-alerts")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security@example.com")
    clients.client("cloudwatch", account, region).put_metric_alarm(
        AlarmName="unauthorized-calls", MetricName="UnauthorizedCalls", Namespace="CIS", Statistic="Sum",
        Period=300, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=[topic],
    )


def seed_estate(clients: EstateClients, accounts: list[str], regions: list[str], counts: Counts, workers: int = 4) -> None:
    """Seed every account (in parallel: a moto server answers concurrently)."""
    for account in accounts:
        clients.session(account)  # assume roles one at a time: the clients cache is not locked
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(lambda account: seed_account(clients, account, regions, counts), accounts))
