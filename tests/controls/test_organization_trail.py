"""An organization trail credited to the members it covers (3.1, 3.4, 3.10, 4.x), both ways.

What AWS does, and the demo's moto patches reproduce (``demo/gaps.py``): every member's
DescribeTrails lists the organization trail (IsOrganizationTrail true, its ARN in the
management account, its home region); a member reads its status and event selectors by
that full ARN; its log group, metric filters, alarms and topics live in the management
account and only that account can read them.
"""
from __future__ import annotations

import datetime as dt

import pytest

from pytest_cis_aws.demo.clients import CALLER_ACCOUNT as M
from pytest_cis_aws.demo.seed import section3, section4 as seed
from pytest_cis_aws.demo.seed.organizations import join
from tests.harness import A, B, C

REGION = "us-east-1"
MONITORED = [f"4.{n}" for n in range(1, 16)]
TRAIL = "org-trail"
TRAIL_ARN = f"arn:aws:cloudtrail:{REGION}:{M}:trail/{TRAIL}"


@pytest.fixture
def organization(moto):
    """M manages an organization with members A and B; its organization trail delivers to a
    log group in M with a whole chain for every 4.x control. C is in no organization and has
    a trail of its own with nothing watching its log group."""
    moto.client("organizations", M).create_organization(FeatureSet="ALL")
    join(moto, M, A, "member-a")
    join(moto, M, B, "member-b")
    log_group = seed.trail_into_logs(moto, M, REGION, TRAIL, organization=True)
    seed.whole_chains(moto, M, REGION, log_group, MONITORED, seed.topic(moto, M, REGION))
    moto.client("cloudtrail", M, REGION).put_event_selectors(TrailName=TRAIL, EventSelectors=section3.ALL_S3_DATA)
    section3.set_cloudwatch_delivery(M, REGION, TRAIL, dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1))
    seed.trail_into_logs(moto, C, REGION, "own")
    return log_group


def chain_through_organization(control_id):
    metric = seed.metric_of(control_id)
    return (
        f"organization trail {TRAIL} of account {M} -> log group {TRAIL}-trail-logs of account {M} -> "
        f"metric filter {metric} -> alarm {metric} -> SNS topic arn:aws:sns:{REGION}:{M}:cis-alarms "
        "with a confirmed subscription"
    )


def test_members_covered_by_the_organization_trail_pass_with_the_holder_in_the_run(audit, organization, moto):
    moto.client("s3", A, REGION).create_bucket(Bucket="member-data")

    run = audit("3.1", "3.4", "3.10", *MONITORED, accounts=[M, A, C])

    for control_id in MONITORED:
        member = run.one(control_id, account=A)
        assert (member.status, member.message) == ("PASS", chain_through_organization(control_id)), control_id
        own = run.one(control_id, account=C)  # not covered: its own trail, no metric filter
        assert (own.status, own.message) == ("FAIL", (
            f"no metric filter on log group own-trail-logs (trail own) catches every event of the CIS {control_id} pattern"
        ))
    recording = run.one("3.1", account=A)
    assert (recording.status, recording.message) == (
        "PASS", f"multi-region organization trail {TRAIL} of account {M} is logging and records all management events")
    # 3.4: the member has a unit for the organization trail, judged on what it reads of it
    delivering = run.one("3.4", account=A, resource=TRAIL_ARN)
    assert (delivering.status, delivering.message) == ("PASS", (
        f"organization trail {TRAIL} of account {M} covers this account and delivers to log group "
        f"arn:aws:logs:{REGION}:{M}:log-group:{TRAIL}-trail-logs:*"))
    assert [f.resource for f in run.of("3.4", account=C)] == [f"arn:aws:cloudtrail:{REGION}:{C}:trail/own"]
    objects = run.one("3.10", account=A)
    assert (objects.status, objects.message) == (
        "PASS", f"organization trail {TRAIL} of account {M} records every object-level write event of S3 bucket member-data")


def test_holder_outside_the_run_is_manual_naming_the_account_to_add(audit, organization):
    run = audit("3.1", *MONITORED, accounts=[A, C])

    for control_id in MONITORED:
        member = run.one(control_id, account=A)
        assert (member.status, member.message) == ("MANUAL", (
            f"organization trail {TRAIL} of account {M} delivers this account's events to log group "
            f"{TRAIL}-trail-logs of account {M}, which is not part of this run: its metric filters, alarms and "
            f"topics can only be read there; add account {M} to --aws-accounts to judge this control"
        )), control_id
        assert run.one(control_id, account=C).status == "FAIL"
    # the trail itself is readable from the member: 3.1 is judged there
    assert run.one("3.1", account=A).status == "PASS"


def test_a_shard_reads_the_holder_it_does_not_audit(audit, organization):
    # sorted [A, M]: shard 1/2 audits A only, M is part of the run (shard 2/2's)
    run = audit("4.3", accounts=[M, A], args=["--cis-shard", "1/2"])

    assert {f.account for f in run.of("4.3")} == {A}
    member = run.one("4.3", account=A)
    assert (member.status, member.message) == ("PASS", chain_through_organization("4.3"))


def test_the_v7_demo_credits_members_with_the_organizations_trail_and_analyzer(audit, moto):
    from pytest_cis_aws.demo.run import DEMO_REGIONS, seed_demo

    accounts = seed_demo(moto, None, DEMO_REGIONS, "7.0.0")
    # v7.0.0 ids: 5.3 is 4.3 (root use monitored), 2.18 is 1.20 (Access Analyzer)
    run = audit("5.3", "2.18", accounts=list(accounts), regions=list(DEMO_REGIONS), args=["--cis-benchmark", "7.0.0"])

    # B's own chain for 4.3 is broken (an unparseable filter); the organization's holds
    member = run.one("5.3", account=B)
    assert (member.status, member.message) == ("PASS", (
        f"organization trail organization-trail of account {M} -> log group organization-trail-logs of account {M} -> "
        f"metric filter cis-4-3 -> alarm cis-4-3 -> SNS topic arn:aws:sns:{REGION}:{M}:organization-alarms "
        "with a confirmed subscription"))
    covered = run.one("2.18", account=B, region="eu-west-1")
    assert (covered.status, covered.message) == ("PASS", (
        f"organization analyzer organization-external-access of account {A} is active in eu-west-1 and covers "
        f"account {B}"))
    # the management account has no analyzer of its own; the organization's runs in eu-west-1 only
    assert run.one("2.18", account=M, region="us-east-1").status == "FAIL"
    assert run.one("2.18", account=M, region="eu-west-1").status == "PASS"
