"""Section 4: Monitoring.

4.1-4.15 each pass for an account when one chain holds end to end: a logging
multi-region trail recording every management event the control's pattern can match
(an excluded event source breaks only the controls whose events come from it) into
CloudWatch Logs, a metric
filter there catching every event of the benchmark's pattern (the registry's
``filter_patterns``), an alarm on its metric, and an SNS topic with a confirmed
subscription. The failure names the first link that broke; a pass names the chain.
An organization trail's chain is judged in the account holding its log group; when that
account is not part of the run, the unit is MANUAL and names the account to add.

PYTEST_DONT_REWRITE: a control's verdict is its own message, so pytest's assertion
introspection (costly at organisation scale, and noise in a finding) is left out.
"""
from pytest_cis_aws.controls import control, evidence, manual, passed_because, running
from pytest_cis_aws.collectors import monitoring, securityhub


def assert_monitored(account):
    # The selected version's patterns: v5.0.0 widened 4.10's (rule C7).
    control = running().control
    verdict = account.chain(control.id, control.extra["filter_patterns"])
    for source, fields in verdict.links:  # the trail, filter, alarm and topic of the chain (or how far it got)
        evidence(source, **fields)
    if verdict.unjudged:  # the organization's chain is in an account this run cannot read
        manual(verdict.unjudged)
    assert verdict.holds, verdict.sentence
    passed_because(verdict.sentence)


@control("4.1", units=monitoring.accounts)
def test_4_1_unauthorized_api_calls_monitored(account):
    assert_monitored(account)


@control("4.2", units=monitoring.accounts)
def test_4_2_console_signin_without_mfa_monitored(account):
    assert_monitored(account)


@control("4.3", units=monitoring.accounts)
def test_4_3_root_account_usage_monitored(account):
    assert_monitored(account)


@control("4.4", units=monitoring.accounts)
def test_4_4_iam_policy_changes_monitored(account):
    assert_monitored(account)


@control("4.5", units=monitoring.accounts)
def test_4_5_cloudtrail_changes_monitored(account):
    assert_monitored(account)


@control("4.6", units=monitoring.accounts)
def test_4_6_console_authentication_failures_monitored(account):
    assert_monitored(account)


@control("4.7", units=monitoring.accounts)
def test_4_7_cmk_disable_or_deletion_monitored(account):
    assert_monitored(account)


@control("4.8", units=monitoring.accounts)
def test_4_8_s3_bucket_policy_changes_monitored(account):
    assert_monitored(account)


@control("4.9", units=monitoring.accounts)
def test_4_9_config_changes_monitored(account):
    assert_monitored(account)


@control("4.10", units=monitoring.accounts)
def test_4_10_security_group_changes_monitored(account):
    assert_monitored(account)


@control("4.11", units=monitoring.accounts)
def test_4_11_nacl_changes_monitored(account):
    assert_monitored(account)


@control("4.12", units=monitoring.accounts)
def test_4_12_network_gateway_changes_monitored(account):
    assert_monitored(account)


@control("4.13", units=monitoring.accounts)
def test_4_13_route_table_changes_monitored(account):
    assert_monitored(account)


@control("4.14", units=monitoring.accounts)
def test_4_14_vpc_changes_monitored(account):
    assert_monitored(account)


@control("4.15", units=monitoring.accounts)
def test_4_15_organizations_changes_monitored(account):
    assert_monitored(account)


@control("4.16", units=securityhub.hubs)
def test_4_16_security_hub_enabled(hub):
    evidence("securityhub:DescribeHub", enabled=hub.enabled, SubscribedAt=hub.subscribed_at)
    assert hub.enabled, f"Security Hub is not enabled in account {hub.account}, region {hub.region}"
