"""The monitoring chain of 4.1-4.15: trail -> log group -> metric filter -> alarm -> SNS topic.

A control passes for an account when one chain holds end to end:
1. a multi-region trail that is logging, records read and write management events, and
   delivers to a CloudWatch Logs group (the Trail records of ``cloudtrail.py``);
2. a metric filter on that group whose pattern catches every event the benchmark's does
   (``rules/filter_pattern.py``);
3. a CloudWatch alarm on the filter's metric (same name and namespace);
4. an SNS topic among the alarm's actions;
5. a confirmed subscription on that topic (not PendingConfirmation).
A failure names the furthest link any chain reached and what broke there. A read that
failed only matters when no chain holds: then the control is an ERROR naming that read,
since the missing evidence might have completed a chain.

An organization trail delivers every member's events to a log group of another account
(the one holding it, in its ARN). Links 2-5 of such a chain are judged there, with that
account's credentials, when the account is part of the run (audited here or by another
shard): the same reads as the holder's own audit, so each is still made once. When the
holder is not part of the run, nothing can be verified from the member: the unit is MANUAL
and names the account to add (never a FAIL blaming the member, never an unverified PASS).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from ..aws.errors import AwsCallError
from ..aws.sessions import GLOBAL_REGION
from ..rules import filter_pattern
from ..rules import trail_selectors as selectors_rules
from ..rules.trail_selectors import READ, WRITE
from . import cloudtrail
from .base import Collector, Unevaluable, Unit, collector


@dataclass(frozen=True)
class MetricFilter:
    name: str
    pattern: str
    metrics: tuple[tuple[str, str], ...]  # (namespace, metric name) of each transformation


@dataclass(frozen=True)
class Alarm:
    name: str
    metrics: tuple[tuple[str, str], ...]  # (namespace, metric name) it watches
    actions: tuple[str, ...]  # AlarmActions: what happens when it goes to ALARM

    @property
    def topics(self) -> list[str]:
        return [arn for arn in self.actions if _arn_part(arn, 2) == "sns"]


@dataclass(frozen=True)
class Subscription:
    arn: str  # "PendingConfirmation" until the endpoint confirms
    protocol: str
    endpoint: str

    @property
    def confirmed(self) -> bool:
        return self.arn.startswith("arn:")


@dataclass(frozen=True)
class LogGroupWatch:
    """What watches one trail log group: its metric filters, their alarms, the alarms' topics."""

    arn: str
    name: str
    region: str
    filters: tuple[MetricFilter, ...] = ()
    alarms: tuple[Alarm, ...] = ()
    subscriptions: dict[str, tuple[Subscription, ...]] = field(default_factory=dict)
    errors: dict[str, AwsCallError] = field(default_factory=dict)  # "filters", "alarms", or a topic ARN
    exists: bool = True  # False: the trail names a log group that is gone
    owner: str = ""  # the account holding the log group (an organisation trail's may be another)
    read: bool = True  # False: another account's group, not read from this one (see ``held_by``)


def _arn_part(arn: str, index: int) -> str:
    parts = arn.split(":")
    return parts[index] if len(parts) > index else ""


def log_group_name(arn: str) -> str:
    """``arn:aws:logs:us-east-1:111:log-group:trail-logs:*`` -> ``trail-logs``."""
    name = arn.split(":log-group:", 1)[-1]
    return name[:-2] if name.endswith(":*") else name


def _filters(response) -> tuple[MetricFilter, ...]:
    return tuple(
        MetricFilter(
            name=raw.get("filterName", ""),
            pattern=raw.get("filterPattern", ""),
            metrics=tuple(
                (t.get("metricNamespace", ""), t.get("metricName", "")) for t in raw.get("metricTransformations", [])
            ),
        )
        for raw in (response or {}).get("metricFilters", [])
    )


def _alarms(response) -> tuple[Alarm, ...]:
    found = []
    for raw in (response or {}).get("MetricAlarms", []):
        metrics = [(raw.get("Namespace", ""), raw.get("MetricName", ""))]
        # metric-math alarms name their metrics inside Metrics[].MetricStat
        for query in raw.get("Metrics", []) or []:
            metric = (query.get("MetricStat") or {}).get("Metric") or {}
            metrics.append((metric.get("Namespace", ""), metric.get("MetricName", "")))
        found.append(Alarm(raw.get("AlarmName", ""), tuple(m for m in metrics if all(m)), tuple(raw.get("AlarmActions", []))))
    return tuple(found)


@collector(regional=False)
def log_groups(aws) -> dict[str, LogGroupWatch]:
    """Watches of the log groups the account's multi-region trails deliver to, by log group ARN.

    Each log group is read in its own region (from its ARN), audited or not. The trails
    come from the same view as ``cloudtrail.account_trails`` (the reader makes each call once).
    """
    view = cloudtrail.trail_view(aws)
    arns = sorted({t.cloudwatch_log_group_arn for t in view.trails if t.multi_region and t.cloudwatch_log_group_arn})
    return {arn: _watch(aws, arn) for arn in arns}


def _watch(aws, arn: str) -> LogGroupWatch:
    region, name, owner = _arn_part(arn, 3), log_group_name(arn), _arn_part(arn, 4)
    if owner and owner != aws.account:
        # an organisation trail delivering to another account's group: AWS lets only that
        # account read it, so the unit source reads it there (``held_by``) or says it cannot.
        return LogGroupWatch(arn, name, region, owner=owner, read=False)
    return _read_watch(aws, arn, region, name, owner)


def _held(aws, arn: str) -> LogGroupWatch:
    """The watch on a log group read in the account that holds it (``aws`` is that account's)."""
    return _read_watch(aws, arn, _arn_part(arn, 3), log_group_name(arn), _arn_part(arn, 4))


# Keyed by (holder account, log group ARN) in the inventory: read once per run however many
# members an organization trail covers. Only ``held_by`` collects it, never a gather over the
# estate's regions: the "region" it is collected for is the log group's ARN.
held_watch = Collector("monitoring.held_watch", True, _held)


def held_by(inv, watch: LogGroupWatch) -> LogGroupWatch:
    """Another account's log group as its holder sees it, when the holder is part of the run
    (audited here or by another shard); else the unread watch, which the chain reports."""
    if watch.read or not inv.estate.in_run(watch.owner):
        return watch
    return inv.collect(held_watch, watch.owner, watch.arn)


def _read_watch(aws, arn: str, region: str, name: str, owner: str) -> LogGroupWatch:
    errors: dict[str, AwsCallError] = {}
    # A trail can keep naming a log group that was deleted: that is a broken link, not an error.
    filters_read = aws.read(
        "logs", "DescribeMetricFilters", region=region, absent=("ResourceNotFoundException",), logGroupName=name
    )
    if filters_read.error is None and filters_read.value is None:
        return LogGroupWatch(arn, name, region, exists=False, owner=owner)
    filters = _filters(filters_read.value)
    if filters_read.error:
        errors["filters"] = filters_read.error
    alarms: tuple[Alarm, ...] = ()
    subscriptions: dict[str, tuple[Subscription, ...]] = {}
    if filters:
        alarms_read = aws.read("cloudwatch", "DescribeAlarms", region=region)
        if alarms_read.error:
            errors["alarms"] = alarms_read.error
        watched = {metric for f in filters for metric in f.metrics}
        alarms = tuple(a for a in _alarms(alarms_read.value) if watched & set(a.metrics))
        for topic in sorted({t for a in alarms for t in a.topics}):
            # a deleted topic (NotFound) has no subscriptions: link 5 is broken, nothing unknown
            listed = aws.read(
                "sns", "ListSubscriptionsByTopic", region=_arn_part(topic, 3), absent=("NotFound",), TopicArn=topic
            )
            if listed.error:
                errors[topic] = listed.error
            subscriptions[topic] = tuple(
                Subscription(s.get("SubscriptionArn", ""), s.get("Protocol", ""), s.get("Endpoint", ""))
                for s in (listed.value or {}).get("Subscriptions", [])
            )
    return LogGroupWatch(arn, name, region, filters, alarms, subscriptions, errors, owner=owner)


# -- the chain ---------------------------------------------------------------------
@lru_cache(maxsize=None)
def _benchmark(text: str) -> frozenset:
    return filter_pattern.parse(text)


@lru_cache(maxsize=4096)
def _account_pattern(text: str) -> frozenset | filter_pattern.PatternError:
    try:
        return filter_pattern.parse(text)
    except filter_pattern.PatternError as error:
        return error


def needed_events(patterns: Iterable[str]) -> tuple[selectors_rules.Events, ...]:
    """The management events a trail must record for a control whose benchmark pattern is one
    of ``patterns``: every event (4.1, 4.3), or those of the sources and names it names."""
    wanted: set[tuple[str | None, str | None]] = set()
    for text in patterns:
        wanted |= filter_pattern.named_events(_benchmark(text))
    if any(source is None for source, _ in wanted):
        return selectors_rules.ALL_MANAGEMENT
    by_source: dict[str, set[str]] = {}
    for source, name in wanted:
        by_source.setdefault(source, set()).update([name] if name else [])
    return tuple(
        selectors_rules.management_events(kind, source, names)
        for source, names in sorted(by_source.items())
        for kind in (READ, WRITE)
    )


@dataclass(frozen=True)
class ChainVerdict:
    holds: bool
    sentence: str  # the chain that holds, or the first link that broke
    # (IAM action, deciding fields) of each link of the chain that holds, or of the one that got furthest.
    links: tuple[tuple[str, dict], ...] = ()
    # Set when no chain holds, none could be refused by AWS, and an organization trail's chain
    # could not be judged because its log group's account is not part of the run: why, and
    # which account to add. The control is then MANUAL, neither a FAIL nor a PASS.
    unjudged: str | None = None

    @property
    def broken(self) -> str | None:
        """None when a chain holds; else the sentence naming the broken link."""
        return None if self.holds else self.sentence


@dataclass(frozen=True, kw_only=True)
class MonitoredAccount(Unit):
    """An account's trails and the watches on their log groups (one unit per account)."""

    trails: tuple[cloudtrail.Trail, ...] = ()
    watches: dict[str, LogGroupWatch] = field(default_factory=dict)
    unknown: tuple[AwsCallError, ...] = ()  # reads that failed (a trail or a watch may be missing)

    def chain(self, control_id: str, patterns: Iterable[str]) -> "ChainVerdict":
        """Whether a chain holds for the control, the sentence naming it (or the broken link),
        and its links (or those of the chain that got furthest) as evidence.

        Raises the first failed read when no chain holds and the missing evidence might
        have completed one.
        """
        patterns = list(patterns)
        unknown = list(self.unknown)
        candidates, broken = self._delivering_trails(control_id, needed_events(patterns), unknown)
        multi = sorted(t.name for t in self.trails if t.multi_region)
        furthest = (1, broken, (("cloudtrail:DescribeTrails", {"multi_region_trails": multi}),))
        benchmarks = [_benchmark(text) for text in patterns]
        unjudged = []
        for trail in candidates:
            watch = self.watches.get(trail.cloudwatch_log_group_arn)
            if watch is None:  # its listing failed: already in ``unknown``
                continue
            if not watch.read:
                unjudged.append(_outside_run(trail, watch))
                continue
            reached = _chain(control_id, trail, watch, benchmarks, unknown)
            if reached[0] == HOLDS:
                return ChainVerdict(True, reached[1], reached[2])
            furthest = max(furthest, reached, key=lambda stage: stage[0])
        if unknown:
            raise unknown[0]
        if unjudged:
            return ChainVerdict(False, unjudged[0], furthest[2], unjudged="; ".join(unjudged))
        return ChainVerdict(False, furthest[1], furthest[2])

    def first_broken_link(self, control_id: str, patterns: Iterable[str]) -> str | None:
        """None when a chain holds for the control; else the sentence naming the broken link."""
        return self.chain(control_id, patterns).broken

    def _delivering_trails(self, control_id, needed, unknown: list[AwsCallError]) -> tuple[list[cloudtrail.Trail], str | None]:
        """Trails meeting link 1, or the sentence naming the part of link 1 no trail meets."""
        account = self.account
        multi = sorted((t for t in self.trails if t.multi_region), key=lambda t: t.name)
        if not multi:
            return [], f"account {account} has no multi-region CloudTrail trail"
        logging = []
        for trail in multi:
            if trail.is_logging is None and "status" in trail.errors:
                unknown.append(trail.errors["status"])
            elif trail.is_logging:
                logging.append(trail)
        if not logging:
            return [], f"no multi-region trail of account {account} is logging"
        recording, gaps = [], []
        for trail in logging:
            if "selectors" in trail.errors:
                unknown.append(trail.errors["selectors"])
                continue
            gap = trail.gap(needed)
            if gap is None:
                recording.append(trail)
            else:
                gaps.append(f"trail {trail.name} {gap}")
        if not recording:
            return [], (
                f"no logging multi-region trail of account {account} records every management event "
                f"the CIS {control_id} pattern matches: " + "; ".join(gaps)
            )
        delivering = [t for t in recording if t.cloudwatch_log_group_arn]
        if not delivering:
            return [], (
                f"no logging multi-region trail of account {account} that records the CIS {control_id} events "
                "delivers them to CloudWatch Logs"
            )
        return delivering, None


HOLDS = 6  # past the fifth link: the chain holds


def _outside_run(trail, watch: LogGroupWatch) -> str:
    return (
        f"{trail.named} delivers this account's events to log group "
        f"{watch.name} of account {watch.owner}, which is not part of this run: its metric filters, alarms and "
        f"topics can only be read there; add account {watch.owner} to --aws-accounts to judge this control"
    )


def _chain(control_id, trail, watch: LogGroupWatch, benchmarks, unknown) -> tuple[int, str, tuple]:
    """(HOLDS, the whole chain, links) if links 2-5 hold on this trail's log group, else
    (link, sentence, links)."""
    links = (("cloudtrail:DescribeTrails",
              {"TrailName": trail.name, "CloudWatchLogsLogGroupArn": trail.cloudwatch_log_group_arn}),)
    if not watch.exists:
        return 2, f"log group {watch.name} that trail {trail.name} delivers to does not exist", links
    if "filters" in watch.errors:
        unknown.append(watch.errors["filters"])
    matching, unparsed = [], []
    for found in sorted(watch.filters, key=lambda f: f.name):
        parsed = _account_pattern(found.pattern)
        if isinstance(parsed, filter_pattern.PatternError):
            unparsed.append(f"the pattern of filter {found.name} could not be parsed ({parsed})")
        elif any(filter_pattern.covers(parsed, wanted) for wanted in benchmarks):
            matching.append(found)
    if not matching:
        sentence = (
            f"no metric filter on log group {watch.name} (trail {trail.name}) "
            f"catches every event of the CIS {control_id} pattern"
        )
        names = sorted(f.name for f in watch.filters)  # their patterns are in the account, not repeated per control
        return 2, "; ".join([sentence, *unparsed]), links + (("logs:DescribeMetricFilters", {"filterNames": names}),)
    if "alarms" in watch.errors:
        unknown.append(watch.errors["alarms"])
    furthest: tuple[int, str | None, tuple] | None = None
    for found in matching:
        with_filter = links + (("logs:DescribeMetricFilters", {"filterName": found.name, "filterPattern": found.pattern}),)
        alarms = sorted((a for a in watch.alarms if set(found.metrics) & set(a.metrics)), key=lambda a: a.name)
        if not alarms:
            namespace, metric = found.metrics[0] if found.metrics else ("", "")
            stage = (3, f"metric filter {found.name} on log group {watch.name} has no CloudWatch alarm on its metric "
                        f"{namespace}/{metric}", with_filter)
        else:
            stage = _notified(found, alarms, watch, unknown, with_filter)
            if stage[0] == HOLDS:
                group = f"log group {watch.name}" + (f" of account {watch.owner}" if watch.owner != trail.account else "")
                return HOLDS, f"{trail.named} -> {group} -> {stage[1]}", stage[2]
        if furthest is None or stage[0] > furthest[0]:
            furthest = stage
    return furthest


def _notified(found: MetricFilter, alarms: list[Alarm], watch: LogGroupWatch, unknown, links) -> tuple[int, str, tuple]:
    """Links 4 and 5 for the alarms on one filter's metric; (HOLDS, the filter-to-subscription part, links)."""
    with_topics = [a for a in alarms if a.topics]
    if not with_topics:
        names = ", ".join(a.name for a in alarms)
        return 4, f"no alarm on the metric of filter {found.name} notifies an SNS topic (alarms: {names})", links + (
            ("cloudwatch:DescribeAlarms", {"AlarmNames": [a.name for a in alarms], "AlarmActions": []}),)
    for alarm in with_topics:
        for topic in alarm.topics:
            if topic in watch.errors:
                unknown.append(watch.errors[topic])
            confirmed = [s.arn for s in watch.subscriptions.get(topic, ()) if s.confirmed]
            if confirmed:
                return HOLDS, (
                    f"metric filter {found.name} -> alarm {alarm.name} -> SNS topic {topic} "
                    "with a confirmed subscription"
                ), links + (
                    ("cloudwatch:DescribeAlarms", {"AlarmName": alarm.name, "AlarmActions": list(alarm.actions)}),
                    ("sns:ListSubscriptionsByTopic", {"TopicArn": topic, "SubscriptionArn": confirmed[0]}),
                )
    first = with_topics[0]
    return 5, f"SNS topic {first.topics[0]} of alarm {first.name} has no confirmed subscription", links + (
        ("cloudwatch:DescribeAlarms", {"AlarmName": first.name, "AlarmActions": list(first.actions)}),
        ("sns:ListSubscriptionsByTopic", {"TopicArn": first.topics[0],
                                          "SubscriptionArn": [s.arn for s in watch.subscriptions.get(first.topics[0], ())]}),
    )


def accounts(inv):
    """Unit source (4.1-4.15): one unit per account, with every trail and the watches on their log groups."""
    for unit in inv.accounts():
        if isinstance(unit, Unevaluable):
            yield unit
            continue
        try:
            view = cloudtrail.account_trails(inv, unit.account)
            watches = {arn: held_by(inv, watch) for arn, watch in inv.collect(log_groups, unit.account).items()}
        except AwsCallError as error:
            yield Unevaluable(account=unit.account, region=GLOBAL_REGION, resource=unit.account,
                              label="account", error=error)
            continue
        yield MonitoredAccount(
            account=unit.account, region=GLOBAL_REGION, resource=unit.account, label="account",
            trails=view.trails, watches=watches,  # an unread trail is single-region: no chain
        )
