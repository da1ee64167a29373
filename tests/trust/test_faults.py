"""The fault matrix: no fault turns into a PASS, and every one leaves a report.

Each test audits a small estate seeded by the benchmark's seeder (every kind of
resource, compliant and not) over every control that exists when it runs, once
without the fault and once with it, and compares finding by finding.
"""
from __future__ import annotations

import botocore.retries.standard
import pytest

from bench.seed import Counts, seed_estate
from pytest_cis_aws import registry
from pytest_cis_aws.aws import pacing
from pytest_cis_aws.aws.errors import iam_prefix
from pytest_cis_aws.collectors.tags import OWNER_ONLY_SERVICES
from tests.harness import A, B, C
from tests.trust import faults
from tests.trust.matrix import fault_problems, operations_called, unit_key
from tests.trust.operations import scan

REGION = "us-east-1"
SMALL = Counts(users=2, buckets=1, vpcs=0, security_groups=2, instances=2, trails=1)
TINY = Counts(users=1, buckets=1, vpcs=0, security_groups=1, instances=1, trails=1)  # one of each, per account


@pytest.fixture
def no_backoff(monkeypatch):
    """Retries without sleeps (botocore's exponential backoff, and the pacing of a throttled
    operation, aws/pacing.py): the tests count attempts, not seconds."""
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)
    monkeypatch.setattr(pacing, "FIRST_INTERVAL_S", 0.0)  # a throttled operation is not slowed


def of_account(run, account):
    return [f for f in run.findings if f.account == account]


def seeded(moto, accounts, counts=SMALL):
    seed_estate(moto, list(accounts), [REGION], counts, workers=1)


def test_access_denied_on_each_service_errors_only_its_units(audit, moto, tmp_path):
    """One account per service the suite reads; each account is denied that one service.

    Audited under the latest benchmark version, whose controls read every service the
    suite knows (v7.0.0 adds Organizations, SQS, Lambda, CloudFront...)."""
    services = scan().services
    accounts = [f"{500000000000 + n:012d}" for n in range(len(services))]
    denied = dict(zip(accounts, services))
    seeded(moto, accounts, TINY)
    recorded = tmp_path / "baseline.snapshot.json"
    latest = ["--cis-benchmark", list(registry.benchmarks())[-1]]
    baseline = audit(accounts=accounts, regions=[REGION], args=["--aws-snapshot-out", str(recorded), *latest])
    # The run and the static scan agree: the scan misses no operation the run made.
    assert operations_called(recorded) - scan().audit == set()
    faulted = audit(accounts=accounts, regions=[REGION], args=latest, plugins=[faults.AccessDenied(denied)])

    report = []
    for account, service in denied.items():
        marks = ("AccessDenied", f"account {account}", f"{iam_prefix(service)}:")
        problems, errors = fault_problems(of_account(baseline, account), of_account(faulted, account), marks)
        if problems:
            report.append(f"AccessDenied on {service}: " + "; ".join(problems))
        # Tags are read for owners only (--cis-owner-tag): refused, they never make a unit an ERROR.
        if not errors and service not in OWNER_ONLY_SERVICES:
            report.append(f"AccessDenied on {service}: no finding became an ERROR (is the service read at all?)")
    assert report == [], "\n".join(report)
    assert all(f.status != "PASS" for f in faulted.findings if f.message.startswith("AccessDenied"))


def test_throttling_that_retries_absorb_changes_nothing(audit, moto, no_backoff):
    seeded(moto, [A])
    baseline = audit(accounts=[A], regions=[REGION])
    throttle = faults.Throttle(scan().services, burst=2)
    throttled = audit(accounts=[A], regions=[REGION], args=["--aws-max-attempts", "4"], plugins=[throttle])
    assert throttle.throttled > 0
    assert [(unit_key(f), f.status, f.message) for f in throttled.findings] == [
        (unit_key(f), f.status, f.message) for f in baseline.findings
    ]


def test_throttling_that_outlasts_retries_is_an_error(audit, moto, no_backoff, monkeypatch):
    monkeypatch.setattr(pacing, "THROTTLE_ATTEMPTS", 4)  # 50 in a run: the test counts, it does not wait
    seeded(moto, [A])
    baseline = audit(accounts=[A], regions=[REGION])
    throttled = audit(
        accounts=[A], regions=[REGION], args=["--aws-max-attempts", "2"], plugins=[faults.Throttle(["iam"], burst=None)]
    )
    marks = ("ThrottlingException", "iam:", f"account {A}")
    problems, errors = fault_problems(baseline.findings, throttled.findings, marks)
    assert problems == []
    one = throttled.one("1.4", account=A)
    assert (one.status, one.message) == (
        "ERROR",
        f"iam:GetAccountSummary failed in account {A}, region global: ThrottlingException (Rate exceeded)",
    )
    assert errors and throttled.result.ret != 0


def test_an_account_that_cannot_be_assumed_is_not_integrated(audit, moto):
    seeded(moto, [A, B, C])
    run = audit(accounts=[A, B, C], regions=[REGION], plugins=[faults.AssumeRoleDenied(C)])
    accounts = {a["id"]: a for a in run.document["accounts"]}
    assert [accounts[x]["integrated"] for x in (A, B, C)] == [True, True, False]
    assert f"cannot assume arn:aws:iam::{C}:role/" in accounts[C]["error"]
    unreachable = of_account(run, C)
    assert unreachable and {f.status for f in unreachable} == {"ERROR"}
    assert all("sts:AssumeRole failed in account " + C in f.message for f in unreachable)
    for audited in (A, B):
        found = of_account(run, audited)
        assert found and "ERROR" not in {f.status for f in found}, found
        # every control that evaluated an audited account has an error for the unreachable one
        assert {f.control for f in found} <= {f.control for f in unreachable}
    assert f"not integrated: {C}: cannot assume" in run.output


def test_a_disabled_opt_in_region_is_skipped_not_an_error(audit, moto):
    seeded(moto, [A])
    disabled = "ap-east-1"
    run = audit(accounts=[A], regions=[REGION, disabled], plugins=[faults.RegionNotOptedIn(disabled)])
    account = run.document["accounts"][0]
    assert account["regions"] == [REGION]
    assert account["skipped_regions"] == {disabled: "opt-in region not enabled in this account"}
    assert [f for f in run.findings if f.region == disabled or f.status == "ERROR"] == []
    assert f"region skipped: {A} {disabled}: opt-in region not enabled in this account" in run.output


def test_unreadable_and_unexpected_responses_are_errors_with_a_reason(audit, moto):
    seeded(moto, [A])

    def drop_root_key_flag(parsed):
        parsed["SummaryMap"].pop("AccountAccessKeysPresent", None)

    def strip_instance_ids(parsed):
        for reservation in parsed.get("Reservations", []):
            for instance in reservation.get("Instances", []):
                instance.pop("InstanceId", None)
                instance["State"] = "running"  # a string where AWS sends a structure

    run = audit(
        accounts=[A],
        regions=[REGION],
        plugins=[
            faults.Edit("iam", "GetAccountSummary", drop_root_key_flag),
            faults.Edit("ec2", "DescribeInstances", strip_instance_ids),
        ],
    )
    assert "INTERNALERROR" not in run.output and run.document is not None
    root_key = run.one("1.4", account=A)
    assert (root_key.status, root_key.message) == (
        "ERROR",
        # A field AWS documents but the answer lacks names the field and the call (issue 24).
        f"iam:GetAccountSummary failed in account {A}, region global: MissingField (the answer's SummaryMap "
        "has no AccountAccessKeysPresent, which this control needs)",
    )
    instance_errors = [f for f in run.findings if "ec2:DescribeInstances" in f.message]
    assert instance_errors and {f.status for f in instance_errors} == {"ERROR"}
    assert all("UnexpectedResponse" in f.message for f in instance_errors)


def test_a_body_that_cannot_be_parsed_is_an_error(audit, moto):
    """Garbled XML (ec2) and garbled JSON (cloudtrail, which botocore alone would read
    as "no trails") both become errors of the call, never an empty answer."""
    seeded(moto, [A])
    garbage = [
        faults.Garbage("ec2", "DescribeSecurityGroups", b"<DescribeSecurityGroupsResponse><unclosed"),
        faults.Garbage("cloudtrail", "DescribeTrails", b'{"trailList": [{"Name": "cut-off'),
    ]
    run = audit("5.2", "5.3", "5.4", "3.1", "3.2", accounts=[A], regions=[REGION], plugins=garbage)
    assert {f.control for f in run.findings} == {"5.2", "5.3", "5.4", "3.1", "3.2"}
    assert [f.status for f in run.findings] == ["ERROR"] * len(run.findings)
    for finding in run.findings:
        call = "cloudtrail:DescribeTrails" if finding.control.startswith("3.") else "ec2:DescribeSecurityGroups"
        assert call in finding.message and "ResponseParserError" in finding.message, finding
