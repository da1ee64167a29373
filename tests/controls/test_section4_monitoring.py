"""Section 4 controls, both sides of each, against in-process moto.

4.1-4.15: the whole chain (trail -> log group -> metric filter -> alarm -> SNS topic ->
confirmed subscription), each link broken on its own, filters written differently from
the benchmark, and failed reads that must be errors, never passes. 4.16: Security Hub
on, off, and unreadable, per account and region.
"""
import pytest

from pytest_cis_aws.aws.errors import AwsCallError, iam_action
from pytest_cis_aws.demo.seed import section4 as seed
from pytest_cis_aws.collectors.cloudtrail import Trail
from pytest_cis_aws.collectors.monitoring import Alarm, LogGroupWatch, MetricFilter, MonitoredAccount, Subscription
from pytest_cis_aws.registry import by_id
from tests.harness import A, B, C
from tests.refusals import Refuse

D, E, F, G = "444444444444", "555555555555", "666666666666", "777777777777"
REGION, OTHER_REGION = "us-east-1", "eu-west-1"
LOG_GROUP = "cis-monitoring-trail-logs"
MONITORED = [f"4.{n}" for n in range(1, 16)]


def denied(account, region, service, operation):
    action = iam_action(service, operation)
    return (
        f"{action} failed in account {account}, region {region}: AccessDeniedException "
        f"(not authorized to perform {action}); grant {action} to the audit role"
    )


# The event source whose read events a trail must record first, per control (4.1 and 4.3:
# events of every source).
FIRST_SOURCE = {
    "4.2": "signin.amazonaws.com", "4.4": "iam.amazonaws.com", "4.5": "cloudtrail.amazonaws.com",
    "4.6": "signin.amazonaws.com", "4.7": "kms.amazonaws.com", "4.8": "s3.amazonaws.com",
    "4.9": "config.amazonaws.com", **{f"4.{n}": "ec2.amazonaws.com" for n in range(10, 15)},
    "4.15": "organizations.amazonaws.com",
}


def whole_chain(account, control_id, trail="cis-monitoring", region=REGION):
    """The PASS message: the chain that holds, trail to confirmed subscription."""
    metric = seed.metric_of(control_id)
    return (
        f"trail {trail} -> log group {trail}-trail-logs -> metric filter {metric} -> alarm {metric} -> "
        f"SNS topic arn:aws:sns:{region}:{account}:cis-alarms with a confirmed subscription"
    )


def no_filter(control_id, log_group=LOG_GROUP, trail="cis-monitoring"):
    return f"no metric filter on log group {log_group} (trail {trail}) catches every event of the CIS {control_id} pattern"


def test_4_1_to_4_15_pass_on_a_whole_chain_and_fail_at_each_broken_link(audit, moto):
    # A: a whole chain for every control, with filters written differently where the seed has variants
    log_group = seed.trail_into_logs(moto, A, REGION)
    seed.whole_chains(moto, A, REGION, log_group, MONITORED, seed.topic(moto, A, REGION), variants=True)
    # B: 4.1-4.7 broken one link each (links 2 to 5), 4.8-4.15 whole
    log_group = seed.trail_into_logs(moto, B, REGION)
    topic = seed.topic(moto, B, REGION)
    seed.broken_chains(moto, B, REGION, log_group, topic)
    seed.whole_chains(moto, B, REGION, log_group, MONITORED[7:], topic)
    # C-F: whole chains behind a trail that breaks one part of link 1 each
    seed.trail_into_logs(moto, C, REGION, multi_region=False)
    seed.trail_into_logs(moto, D, REGION, logging=False)
    seed.trail_into_logs(moto, E, REGION, read_write="WriteOnly")
    seed.trail_into_logs(moto, F, REGION, to_logs=False)
    for account in (C, D, E, F):
        seed.whole_chains(moto, account, REGION, LOG_GROUP, MONITORED, seed.topic(moto, account, REGION))
    # G: a first trail with nothing watching its log group; the second one's chain holds for 4.3
    seed.trail_into_logs(moto, G, REGION, "cis-a-unwatched")
    log_group = seed.trail_into_logs(moto, G, REGION, "cis-b-watched")
    seed.whole_chains(moto, G, REGION, log_group, ["4.3"], seed.topic(moto, G, REGION))

    run = audit(*MONITORED, accounts=[A, B, C, D, E, F, G])

    # an unparseable filter could have been meant for any control: every link-2 failure names it
    unparsed = "; the pattern of filter cis-4-3 could not be parsed (it is not a JSON filter pattern ({ ... }))"
    broken_in_b = {
        "4.1": no_filter("4.1") + unparsed,
        "4.2": no_filter("4.2") + unparsed,
        "4.3": no_filter("4.3") + unparsed,
        "4.4": f"metric filter cis-4-4 on log group {LOG_GROUP} has no CloudWatch alarm on its metric CISBenchmark/cis-4-4",
        "4.5": f"metric filter cis-4-5 on log group {LOG_GROUP} has no CloudWatch alarm on its metric CISBenchmark/cis-4-5",
        "4.6": "no alarm on the metric of filter cis-4-6 notifies an SNS topic (alarms: cis-4-6)",
        "4.7": f"SNS topic arn:aws:sns:{REGION}:{B}:cis-alarms-unconfirmed of alarm cis-4-7 has no confirmed subscription",
    }
    for control_id in MONITORED:
        found = {f.account: (f.status, f.message) for f in run.of(control_id)}
        source = f" from {FIRST_SOURCE[control_id]}" if control_id in FIRST_SOURCE else ""
        assert found == {
            A: ("PASS", whole_chain(A, control_id)),
            B: ("FAIL", broken_in_b[control_id]) if control_id in broken_in_b else ("PASS", whole_chain(B, control_id)),
            C: ("FAIL", f"account {C} has no multi-region CloudTrail trail"),
            D: ("FAIL", f"no multi-region trail of account {D} is logging"),
            E: ("FAIL", f"no logging multi-region trail of account {E} records every management event the CIS "
                        f"{control_id} pattern matches: trail cis-monitoring does not record all read management "
                        f"events{source}: event selector #1 narrows ReadWriteType (WriteOnly)"),
            F: ("FAIL", f"no logging multi-region trail of account {F} that records the CIS {control_id} events "
                        "delivers them to CloudWatch Logs"),
            G: ("PASS", whole_chain(G, control_id, "cis-b-watched")) if control_id == "4.3" else (
                "FAIL", no_filter(control_id, "cis-a-unwatched-trail-logs", "cis-a-unwatched")),
        }, control_id

    # The evidence names the chain's trail, filter, alarm and topic, or as far as the chain got.
    def sources(account, control_id):
        return [e["source"] for e in run.one(control_id, account=account).evidence]

    whole = ["cloudtrail:DescribeTrails", "logs:DescribeMetricFilters", "cloudwatch:DescribeAlarms",
             "sns:ListSubscriptionsByTopic"]
    assert sources(A, "4.1") == whole
    chain = {e["source"]: e["fields"] for e in run.one("4.8", account=B).evidence}
    assert chain["cloudtrail:DescribeTrails"]["CloudWatchLogsLogGroupArn"].split(":log-group:")[1].startswith(LOG_GROUP)
    assert chain["logs:DescribeMetricFilters"]["filterName"] == "cis-4-8"
    assert chain["cloudwatch:DescribeAlarms"]["AlarmName"] == "cis-4-8"
    assert chain["sns:ListSubscriptionsByTopic"]["SubscriptionArn"].startswith(f"arn:aws:sns:{REGION}:{B}:")
    assert [sources(B, c) for c in ("4.1", "4.4", "4.6", "4.7")] == [whole[:2], whole[:2], whole[:3], whole]
    unconfirmed = run.one("4.7", account=B).evidence[3]["fields"]
    assert unconfirmed == {"TopicArn": f"arn:aws:sns:{REGION}:{B}:cis-alarms-unconfirmed",
                           "SubscriptionArn": ["PendingConfirmation"]}
    assert run.one("4.1", account=C).evidence == [
        {"source": "cloudtrail:DescribeTrails", "fields": {"multi_region_trails": []}}]


def test_4_1_and_4_16_unreadable_evidence_is_an_error_and_security_hub_per_region(audit, moto):
    # A: a whole 4.1 chain; Security Hub on in the first region only
    log_group = seed.trail_into_logs(moto, A, REGION)
    seed.whole_chains(moto, A, REGION, log_group, ["4.1"], seed.topic(moto, A, REGION))
    seed.enable_security_hub(moto, A, REGION)
    # B: the same chain, but the audit may not read metric filters or the hub
    log_group = seed.trail_into_logs(moto, B, REGION)
    seed.whole_chains(moto, B, REGION, log_group, ["4.1"], seed.topic(moto, B, REGION))
    # C: a whole 4.1 chain whose alarm listing is denied does not pass: the alarm can't be seen
    log_group = seed.trail_into_logs(moto, C, REGION)
    seed.whole_chains(moto, C, REGION, log_group, ["4.1"], seed.topic(moto, C, REGION))
    # D, E: whole chains, but the log group (D) or the topic (E) is gone: broken, not unknown
    for account in (D, E):
        log_group = seed.trail_into_logs(moto, account, REGION)
        seed.whole_chains(moto, account, REGION, log_group, ["4.1"], seed.topic(moto, account, REGION))
    plugins = [
        Refuse(B, ("logs", "DescribeMetricFilters"), ("securityhub", "DescribeHub"), code="AccessDeniedException"),
        Refuse(C, ("cloudwatch", "DescribeAlarms"), code="AccessDeniedException"),
        Refuse(D, ("logs", "DescribeMetricFilters"), code="ResourceNotFoundException"),
        Refuse(E, ("sns", "ListSubscriptionsByTopic"), code="NotFound"),
    ]

    run = audit("4.1", "4.16", accounts=[A, B, C, D, E], regions=[REGION, OTHER_REGION], plugins=plugins)

    assert {f.account: (f.status, f.message) for f in run.of("4.1")} == {
        A: ("PASS", whole_chain(A, "4.1")),
        B: ("ERROR", denied(B, REGION, "logs", "DescribeMetricFilters")),
        C: ("ERROR", denied(C, REGION, "cloudwatch", "DescribeAlarms")),
        D: ("FAIL", f"log group {LOG_GROUP} that trail cis-monitoring delivers to does not exist"),
        E: ("FAIL", f"SNS topic arn:aws:sns:{REGION}:{E}:cis-alarms of alarm cis-4-1 has no confirmed subscription"),
    }
    assert {(f.account, f.region): (f.status, f.message) for f in run.of("4.16") if f.account in (A, B, C)} == {
        (A, REGION): ("PASS", ""),
        (A, OTHER_REGION): ("FAIL", f"Security Hub is not enabled in account {A}, region {OTHER_REGION}"),
        (B, REGION): ("ERROR", denied(B, REGION, "securityhub", "DescribeHub")),
        (B, OTHER_REGION): ("ERROR", denied(B, OTHER_REGION, "securityhub", "DescribeHub")),
        (C, REGION): ("FAIL", f"Security Hub is not enabled in account {C}, region {REGION}"),
        (C, OTHER_REGION): ("FAIL", f"Security Hub is not enabled in account {C}, region {OTHER_REGION}"),
    }
    assert run.one("4.16", account=A, region=REGION).resource == f"arn:aws:securityhub:{REGION}:{A}:hub/default"


def test_4_x_a_trail_homed_outside_the_audited_regions_and_an_excluded_event_source(audit, moto):
    # A: the whole chain lives in eu-west-1, a region this run does not audit
    log_group = seed.trail_into_logs(moto, A, OTHER_REGION)
    seed.whole_chains(moto, A, OTHER_REGION, log_group, ["4.5", "4.7"], seed.topic(moto, A, OTHER_REGION))
    # B: all management events but KMS's (what the console offers to leave out)
    no_kms = [{"Name": "no kms", "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]},
        {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]},
    ]}]
    log_group = seed.trail_into_logs(moto, B, REGION, advanced=no_kms)
    seed.whole_chains(moto, B, REGION, log_group, ["4.1", "4.5", "4.7"], seed.topic(moto, B, REGION))

    run = audit("4.1", "4.5", "4.7", accounts=[A, B], regions=[REGION])

    def found(control, account):
        finding = run.one(control, account=account)
        return finding.status, finding.message

    assert found("4.5", A) == ("PASS", whole_chain(A, "4.5", region=OTHER_REGION))
    assert found("4.7", A) == ("PASS", whole_chain(A, "4.7", region=OTHER_REGION))
    assert found("4.5", B) == ("PASS", whole_chain(B, "4.5"))
    narrowed = "advanced selector 'no kms' narrows eventSource (NotEquals kms.amazonaws.com)"
    assert found("4.7", B) == ("FAIL", (
        f"no logging multi-region trail of account {B} records every management event the CIS 4.7 pattern "
        f"matches: trail cis-monitoring does not record all read management events from kms.amazonaws.com: {narrowed}"
    ))
    assert found("4.1", B) == ("FAIL", (
        f"no logging multi-region trail of account {B} records every management event the CIS 4.1 pattern "
        f"matches: trail cis-monitoring does not record all read management events: {narrowed}"
    ))


# -- the chain on records alone (no audit): cases moto cannot stage ----------------------
ALL_MANAGEMENT = [{"ReadWriteType": "All", "IncludeManagementEvents": True}]


def trail_record(name, log_group_arn, errors=None):
    return Trail(
        account=A, region=REGION, resource=f"arn:aws:cloudtrail:{REGION}:{A}:trail/{name}", label=f"trail/{name}",
        name=name, home_region=REGION, multi_region=True, is_logging=True, log_file_validation=True,
        s3_bucket="logs", kms_key_id=None, cloudwatch_log_group_arn=log_group_arn, latest_cloudwatch_delivery=None,
        event_selectors=ALL_MANAGEMENT, errors=errors or {},
    )


def whole_watch(arn, name, owner=A):
    metric = ("CISBenchmark", "cis-4-3")
    topic = f"arn:aws:sns:{REGION}:{owner}:cis-alarms"
    return LogGroupWatch(
        arn, name, REGION, owner=owner,
        filters=(MetricFilter("cis-4-3", seed.benchmark_pattern("4.3"), (metric,)),),
        alarms=(Alarm("cis-4-3", (metric,), (topic,)),),
        subscriptions={topic: (Subscription(f"{topic}:1", "email", "security@example.com"),)},
    )


def account_record(trails, watches, unknown=()):
    return MonitoredAccount(
        account=A, region="global", resource=A, label="account",
        trails=tuple(trails), watches=watches, unknown=tuple(unknown),
    )


def test_4_3_chain_rules_that_need_no_audit():
    patterns = by_id()["4.3"].extra["filter_patterns"]
    own = f"arn:aws:logs:{REGION}:{A}:log-group:own:*"
    central = f"arn:aws:logs:{REGION}:{B}:log-group:org-trail:*"
    selectors_denied = AwsCallError(A, REGION, "cloudtrail", "GetEventSelectors", "AccessDenied", "")
    listing_denied = AwsCallError(A, OTHER_REGION, "cloudtrail", "DescribeTrails", "AccessDenied", "")

    # a trail delivering to the group of an account outside the run: neither passed nor failed
    # (what AWS lets this account read says nothing about that group), the account to add named
    org_only = account_record([trail_record("org", central)],
                              {central: LogGroupWatch(central, "org-trail", REGION, owner=B, read=False)})
    verdict = org_only.chain("4.3", patterns)
    assert not verdict.holds and verdict.unjudged == (
        f"trail org delivers this account's events to log group org-trail of account {B}, which is not part of "
        f"this run: its metric filters, alarms and topics can only be read there; add account {B} to "
        "--aws-accounts to judge this control"
    )
    # a broken chain of the account's own still does not make it a FAIL while that chain is unjudged
    mixed = account_record([trail_record("org", central), trail_record("own", own)],
                           {central: LogGroupWatch(central, "org-trail", REGION, owner=B, read=False),
                            own: LogGroupWatch(own, "own", REGION, owner=A)})
    assert mixed.chain("4.3", patterns).unjudged == verdict.unjudged
    # once read in the holder's account, that group's chain passes the member, naming it
    held = account_record([trail_record("org", central)], {central: whole_watch(central, "org-trail", owner=B)})
    assert held.chain("4.3", patterns).sentence.startswith(f"trail org -> log group org-trail of account {B} -> ")
    # a whole chain passes even when another trail, or another region's listing, could not be read
    whole = account_record(
        [trail_record("a-unreadable", own, {"selectors": selectors_denied}), trail_record("b-own", own)],
        {own: whole_watch(own, "own")},
        unknown=[listing_denied],
    )
    assert whole.first_broken_link("4.3", patterns) is None
    # with no whole chain, the unreadable evidence makes it unknown: the first failed read is raised
    broken = account_record([trail_record("a-unreadable", own, {"selectors": selectors_denied})], {})
    with pytest.raises(AwsCallError) as raised:
        broken.first_broken_link("4.3", patterns)
    assert raised.value == selectors_denied
