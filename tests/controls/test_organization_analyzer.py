"""1.20: an organization analyzer credited to the members it covers, in its own region only.

What AWS does: only the management account or the delegated administrator for Access
Analyzer can create an ORGANIZATION analyzer; it analyses every member's resources in the
region it runs in. A member's own ListAnalyzers never lists it, so the suite finds it in
those accounts when they are part of the run, and says which account to add when not.
"""
from __future__ import annotations

import pytest

from pytest_cis_aws.demo import gaps
from pytest_cis_aws.demo.clients import CALLER_ACCOUNT as M
from pytest_cis_aws.demo.seed.organizations import enable_trusted_access, join
from tests.harness import A, B, C

D = "444444444444"  # the delegated administrator for Access Analyzer, a member
REGIONS = ["us-east-1", "eu-west-1"]
ANALYZER = "org-external-access"


@pytest.fixture
def organization(moto):
    """M manages A, B and D; D runs an organization analyzer in us-east-1 only; C is alone."""
    org = moto.client("organizations", M)
    org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    for account in (A, B, D):
        join(moto, M, account, f"member-{account}")
    enable_trusted_access(moto, M, "access-analyzer.amazonaws.com")
    org.register_delegated_administrator(AccountId=D, ServicePrincipal="access-analyzer.amazonaws.com")
    gaps.access_analyzer.add(D, "us-east-1", ANALYZER, type="ORGANIZATION")
    return org_id


def fail(account, region):
    return ("FAIL", f"account {account} has no active IAM Access Analyzer in {region}")


def test_1_20_a_member_in_the_analyzers_region_passes_naming_it(audit, organization):
    run = audit("1.20", accounts=[M, A, C, D], regions=REGIONS)

    def outcome(account, region):
        found = run.one("1.20", account=account, region=region)
        return found.status, found.message

    assert outcome(A, "us-east-1") == (
        "PASS", f"organization analyzer {ANALYZER} of account {D} is active in us-east-1 and covers account {A}")
    assert outcome(M, "us-east-1") == (
        "PASS", f"organization analyzer {ANALYZER} of account {D} is active in us-east-1 and covers account {M}")
    # the organization analyzer runs in us-east-1 only: the member's eu-west-1 unit is not covered
    assert outcome(A, "eu-west-1") == fail(A, "eu-west-1")
    assert outcome(C, "us-east-1") == fail(C, "us-east-1")  # in no organization
    assert outcome(D, "us-east-1") == ("PASS", "")  # its own analyzer


def test_1_20_an_account_that_could_hold_the_analyzer_outside_the_run_is_manual(audit, organization):
    run = audit("1.20", accounts=[A, M], regions=["us-east-1"])  # D, the delegated administrator, left out
    alone = audit("1.20", accounts=[B], regions=["us-east-1"])  # the management account left out

    found = run.one("1.20", account=A)
    assert (found.status, found.message) == ("MANUAL", (
        f"account {A} has no analyzer of its own here, and an organization analyzer of account {D} (the delegated "
        f"administrator for Access Analyzer of organization {organization}) would cover it, but account {D} is not "
        "part of this run: add it to --aws-accounts to judge this control"))
    found = alone.one("1.20", account=B)
    assert (found.status, found.message) == ("MANUAL", (
        f"account {B} has no analyzer of its own here, and an organization analyzer of account {M} (its management "
        f"account of organization {organization}) would cover it, but account {M} is not part of this run: add it to "
        "--aws-accounts to judge this control"))


def test_1_20_from_v5_an_unused_access_organization_analyzer_does_not_count(audit, organization):
    gaps.access_analyzer.add(D, "eu-west-1", "org-unused", type="ORGANIZATION_UNUSED_ACCESS")

    run = audit("1.19", accounts=[M, A, D], regions=["eu-west-1"], args=["--cis-benchmark", "5.0.0"])  # v5.0.0 id of 1.20

    found = run.one("1.19", account=A)
    assert (found.status, found.message) == ("FAIL", f"account {A} has no active external-access IAM Access Analyzer in eu-west-1")
    before = audit("1.20", accounts=[M, A, D], regions=["eu-west-1"])  # v2.0.0: any active analyzer counts
    found = before.one("1.20", account=A)
    assert (found.status, found.message) == (
        "PASS", f"organization analyzer org-unused of account {D} is active in eu-west-1 and covers account {A}")


def test_1_20_a_shard_reads_the_analyzer_of_an_account_another_shard_audits(audit, organization):
    # sorted [A, M, D]: shard 1/3 audits A alone; M and D are part of the run
    run = audit("1.20", accounts=[M, A, D], regions=["us-east-1"], args=["--cis-shard", "1/3"])

    assert {f.account for f in run.of("1.20")} == {A}
    found = run.one("1.20", account=A)
    assert (found.status, found.message) == (
        "PASS", f"organization analyzer {ANALYZER} of account {D} is active in us-east-1 and covers account {A}")
