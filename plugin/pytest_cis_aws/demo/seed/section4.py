"""Demo resources for section 4 (Monitoring): monitoring chains, whole and broken, and Security Hub.

Across the demo accounts (first, second, third):
* first: a trail into CloudWatch Logs and a whole chain for every control, half of the
  filters written differently from the benchmark (other quoting, spacing, order, ``$field``,
  extra alternatives, the ec2 source restriction on 4.13) so the matcher must see through
  them; Security Hub on in every region.
* second: the same trail, and each of 4.1-4.7 broken at one link (no filter, a narrower
  filter, an unparseable filter, no alarm, an alarm on another metric, an alarm with no
  topic, a topic whose only subscription is pending); 4.8-4.15 whole; Security Hub on in
  the first region only.
* third: only a single-region trail (link 1 broken for every control); Security Hub off.

moto confirms every SNS subscription at once; a pending one is made by setting moto's own
subscription record the way AWS reports it (SubscriptionArn "PendingConfirmation").
"""
from __future__ import annotations

from ...registry import by_id
from ..clients import EstateClients

NAMESPACE = "CISBenchmark"
LOG_ROLE = "arn:aws:iam::{account}:role/cloudtrail-to-cloudwatch"
MONITORED = tuple(f"4.{n}" for n in range(1, 16))

# Ways real accounts write the benchmark's patterns that must still pass.
VARIANTS = {
    "4.1": '{($.errorCode="*UnauthorizedOperation")||($.errorCode="AccessDenied*")}',
    "4.3": '{ $userIdentity.type = Root && $userIdentity.invokedBy NOT EXISTS && $eventType != AwsServiceEvent }',
    "4.5": (
        '{ ($.eventName = "StopLogging") || ($.eventName = "StartLogging") || ($.eventName = "DeleteTrail") '
        '|| ($.eventName = "UpdateTrail") || ($.eventName = "CreateTrail") }'
    ),
    "4.7": (
        '{ ($.eventSource = kms.amazonaws.com && $.eventName = DisableKey) '
        '|| ($.eventSource = kms.amazonaws.com && $.eventName = ScheduleKeyDeletion) }'
    ),
    "4.10": '{ $.eventName = "*SecurityGroup*" }',
    "4.13": (
        "{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) "
        "|| ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) "
        "|| ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }"
    ),
    "4.15": '{ $.eventSource = "organizations.amazonaws.com" }',
}
# Narrower than the benchmark (root sign-ins only), and not a JSON pattern at all.
UNPARSEABLE = "ERROR userIdentity Root"
NARROWER = {"4.2": '{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed != Yes) && ($.userIdentity.type = Root) }'}


def benchmark_pattern(control_id: str) -> str:
    return by_id()[control_id].extra["filter_patterns"][0]


def metric_of(control_id: str) -> str:
    return "cis-" + control_id.replace(".", "-")


def trail_into_logs(
    clients: EstateClients,
    account: str,
    region: str,
    name: str = "cis-monitoring",
    *,
    multi_region: bool = True,
    logging: bool = True,
    read_write: str = "All",
    to_logs: bool = True,
    advanced: list[dict] | None = None,
    organization: bool = False,
) -> str:
    """A trail (and its bucket and log group); returns the log group's name.

    ``advanced``: advanced event selectors instead of the basic all-management one.
    ``organization``: an organization trail (``account`` must manage an organization); its log
    group stays in ``account``, the only one AWS lets read it.
    """
    bucket = f"{name}-{account}-{region}"
    s3 = clients.client("s3", account, region)
    location = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=bucket, **location)
    log_group = f"{name}-trail-logs"
    logs = clients.client("logs", account, region)
    logs.create_log_group(logGroupName=log_group)
    arn = next(g["arn"] for g in logs.describe_log_groups(logGroupNamePrefix=log_group)["logGroups"] if g["logGroupName"] == log_group)
    delivery = {"CloudWatchLogsLogGroupArn": arn, "CloudWatchLogsRoleArn": LOG_ROLE.format(account=account)} if to_logs else {}
    trail = clients.client("cloudtrail", account, region)
    trail.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=multi_region,
                       **({"IsOrganizationTrail": True} if organization else {}), **delivery)
    if advanced is not None:
        trail.put_event_selectors(TrailName=name, AdvancedEventSelectors=advanced)
    else:
        trail.put_event_selectors(
            TrailName=name, EventSelectors=[{"ReadWriteType": read_write, "IncludeManagementEvents": True}]
        )
    if logging:
        trail.start_logging(Name=name)
    return log_group


def topic(clients: EstateClients, account: str, region: str, name: str = "cis-alarms", *, confirmed: bool = True) -> str:
    """An SNS topic with one e-mail subscription, confirmed or pending; returns its ARN."""
    sns = clients.client("sns", account, region)
    arn = sns.create_topic(Name=name)["TopicArn"]
    subscription = sns.subscribe(TopicArn=arn, Protocol="email", Endpoint=f"security+{name}@example.com")["SubscriptionArn"]
    if not confirmed:
        mark_pending(account, region, subscription)
    return arn


def mark_pending(account: str, region: str, subscription_arn: str) -> None:
    """moto confirms at once; AWS reports an unconfirmed subscription's ARN as PendingConfirmation."""
    from moto.sns.models import sns_backends

    sns_backends[account][region].subscriptions[subscription_arn].arn = "PendingConfirmation"


def watch(
    clients: EstateClients,
    account: str,
    region: str,
    log_group: str,
    control_id: str,
    *,
    pattern: str | None = None,
    alarm: bool = True,
    topic_arn: str | None = None,
    alarm_namespace: str = NAMESPACE,
) -> None:
    """A metric filter for the control on ``log_group``, and (optionally) an alarm on its metric."""
    metric = metric_of(control_id)
    clients.client("logs", account, region).put_metric_filter(
        logGroupName=log_group,
        filterName=metric,
        filterPattern=pattern if pattern is not None else benchmark_pattern(control_id),
        metricTransformations=[{"metricName": metric, "metricNamespace": NAMESPACE, "metricValue": "1"}],
    )
    if alarm:
        clients.client("cloudwatch", account, region).put_metric_alarm(
            AlarmName=metric,
            MetricName=metric,
            Namespace=alarm_namespace,
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            AlarmActions=[topic_arn] if topic_arn else [],
        )


def whole_chains(clients, account, region, log_group, controls, topic_arn, *, variants=False) -> None:
    """A whole chain per control; with ``variants``, patterns written differently where we have one."""
    for control_id in controls:
        pattern = VARIANTS.get(control_id) if variants else None
        watch(clients, account, region, log_group, control_id, topic_arn=topic_arn, pattern=pattern)


def broken_chains(clients, account, region, log_group, topic_arn) -> None:
    """4.1-4.7 each broken at one link (4.1 simply has no filter)."""
    pending = topic(clients, account, region, "cis-alarms-unconfirmed", confirmed=False)
    watch(clients, account, region, log_group, "4.2", pattern=NARROWER["4.2"], topic_arn=topic_arn)
    watch(clients, account, region, log_group, "4.3", pattern=UNPARSEABLE, topic_arn=topic_arn)
    watch(clients, account, region, log_group, "4.4", alarm=False)
    watch(clients, account, region, log_group, "4.5", topic_arn=topic_arn, alarm_namespace="Other")
    watch(clients, account, region, log_group, "4.6")
    watch(clients, account, region, log_group, "4.7", topic_arn=pending)


def enable_security_hub(clients: EstateClients, account: str, region: str) -> None:
    clients.client("securityhub", account, region).enable_security_hub(EnableDefaultStandards=False)


def seed(clients: EstateClients, accounts: tuple[str, ...], regions: tuple[str, ...]) -> None:
    home = regions[0]
    first, second, third = (list(accounts) + [None, None, None])[:3]
    if first:
        log_group = trail_into_logs(clients, first, home)
        whole_chains(clients, first, home, log_group, MONITORED, topic(clients, first, home), variants=True)
        for region in regions:
            enable_security_hub(clients, first, region)
    if second:
        log_group = trail_into_logs(clients, second, home)
        alarms = topic(clients, second, home)
        broken_chains(clients, second, home, log_group, alarms)
        whole_chains(clients, second, home, log_group, MONITORED[7:], alarms)
        enable_security_hub(clients, second, home)
    if third:
        trail_into_logs(clients, third, home, "cis-single-region", multi_region=False)
