"""4.1-4.15: a metric filter on the trail's log group and an alarm on its metric.

The log group comes from the evidence when the account has a multi-region trail that
delivers to CloudWatch Logs; the SNS topic the alarm notifies is the owner's choice.
"""
from __future__ import annotations

from .model import Fix, quote

NAMESPACE = "CISBenchmark"


def _log_group(account) -> tuple[str, str]:
    """(region, log group name) of the first multi-region trail delivering to CloudWatch Logs."""
    for trail in sorted(getattr(account, "trails", ()), key=lambda t: (not t.multi_region, t.name)):
        arn = trail.cloudwatch_log_group_arn or ""
        parts = arn.split(":")
        if trail.multi_region and len(parts) >= 7 and parts[5] == "log-group":
            return parts[3], parts[6]
    return "<trail-region>", "<trail-log-group>"


def metric_alarm(control, account) -> Fix:
    patterns = control.extra.get("filter_patterns") or []
    if not patterns:
        return Fix.none("this control names no filter pattern: see its remediation")
    metric = control.extra.get("metric_name") or f"cis-{control.check.replace('.', '-')}"
    region, group = _log_group(account)
    region = region if region.startswith("<") else quote(region)
    group_word = group if group.startswith("<") else quote(group)
    return Fix.run(
        f"aws logs put-metric-filter --region {region} --log-group-name {group_word} --filter-name {quote(metric)} "
        f"--metric-transformations metricName={quote(metric)},metricNamespace={NAMESPACE},metricValue=1 "
        f"--filter-pattern {quote(patterns[0])}",
        f"aws cloudwatch put-metric-alarm --region {region} --alarm-name {quote(metric)} --metric-name {quote(metric)} "
        f"--namespace {NAMESPACE} --statistic Sum --period 300 --threshold 1 "
        "--comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions <sns-topic-arn>",
    )
