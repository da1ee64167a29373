"""Section 4: Monitoring.

4.1-4.15 each pass for an account when one chain holds end to end: a logging
multi-region trail recording all management events into CloudWatch Logs, a metric
filter there catching every event of the benchmark's pattern (the registry's
``filter_patterns``), an alarm on its metric, and an SNS topic with a confirmed
subscription. The failure names the first link that broke.
"""
from plugin.controls import control
from plugin.evidence import monitoring, securityhub
from plugin.registry import by_id


def assert_monitored(account, control_id):
    patterns = by_id()[control_id].extra["filter_patterns"]
    broken = account.first_broken_link(control_id, patterns)
    assert broken is None, broken


@control("4.1", units=monitoring.accounts)
def test_4_1_unauthorized_api_calls_monitored(account):
    assert_monitored(account, "4.1")


@control("4.2", units=monitoring.accounts)
def test_4_2_console_signin_without_mfa_monitored(account):
    assert_monitored(account, "4.2")


@control("4.3", units=monitoring.accounts)
def test_4_3_root_account_usage_monitored(account):
    assert_monitored(account, "4.3")


@control("4.4", units=monitoring.accounts)
def test_4_4_iam_policy_changes_monitored(account):
    assert_monitored(account, "4.4")


@control("4.5", units=monitoring.accounts)
def test_4_5_cloudtrail_changes_monitored(account):
    assert_monitored(account, "4.5")


@control("4.6", units=monitoring.accounts)
def test_4_6_console_authentication_failures_monitored(account):
    assert_monitored(account, "4.6")


@control("4.7", units=monitoring.accounts)
def test_4_7_cmk_disable_or_deletion_monitored(account):
    assert_monitored(account, "4.7")


@control("4.8", units=monitoring.accounts)
def test_4_8_s3_bucket_policy_changes_monitored(account):
    assert_monitored(account, "4.8")


@control("4.9", units=monitoring.accounts)
def test_4_9_config_changes_monitored(account):
    assert_monitored(account, "4.9")


@control("4.10", units=monitoring.accounts)
def test_4_10_security_group_changes_monitored(account):
    assert_monitored(account, "4.10")


@control("4.11", units=monitoring.accounts)
def test_4_11_nacl_changes_monitored(account):
    assert_monitored(account, "4.11")


@control("4.12", units=monitoring.accounts)
def test_4_12_network_gateway_changes_monitored(account):
    assert_monitored(account, "4.12")


@control("4.13", units=monitoring.accounts)
def test_4_13_route_table_changes_monitored(account):
    assert_monitored(account, "4.13")


@control("4.14", units=monitoring.accounts)
def test_4_14_vpc_changes_monitored(account):
    assert_monitored(account, "4.14")


@control("4.15", units=monitoring.accounts)
def test_4_15_organizations_changes_monitored(account):
    assert_monitored(account, "4.15")


@control("4.16", units=securityhub.hubs)
def test_4_16_security_hub_enabled(hub):
    assert hub.enabled, f"Security Hub is not enabled in account {hub.account}, region {hub.region}"
