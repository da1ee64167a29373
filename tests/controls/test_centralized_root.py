"""Root controls on a member whose root credentials the organisation manages centrally.

What AWS does: with centralized root access (IAM's RootCredentialsManagement), the
management account deletes a member's root password, access keys and MFA devices; the
member's GetAccountSummary then reports AccountPasswordPresent, AccountAccessKeysPresent and
AccountMFAEnabled as 0, and its credential report's root row shows no use. docs/VERSIONS.md
("Organisation-level setups") gives each verdict and why.
"""
from __future__ import annotations

from pytest_cis_aws.demo import iam_state
from pytest_cis_aws.demo.clients import CALLER_ACCOUNT as M
from pytest_cis_aws.demo.seed.organizations import guarded_organization
from tests.harness import A, B

REGION = "us-east-1"


def seed(moto):
    guarded_organization(moto, M, {A: "Production", B: "Sandbox"}, REGION)  # centralized root access on
    iam_state.set_root(A, password=False)  # no password, no keys, no MFA, never used
    iam_state.set_root(B, password=False)
    # AWS always sends AccountPasswordPresent; an answer without it must not crash the control
    iam_state.backend(B).account_summary.cis_root_password = None


def outcome(run, control, account):
    found = run.one(control, account=account)
    return found.status, found.message


def test_root_controls_on_a_member_without_root_credentials(audit, moto):
    seed(moto)
    v2 = audit("1.4", "1.5", "1.6", "1.7", accounts=[A, B])
    v7 = audit("2.4", "2.5", "2.6", "2.7", accounts=[A, B], args=["--cis-benchmark", "7.0.0"])

    # v2.0.0-v4.0.1 ask for root MFA whatever the password: the member fails them (a waiver's case)
    assert outcome(v2, "1.4", A) == ("PASS", "")
    assert outcome(v2, "1.5", A) == ("FAIL", f"the root user of account {A} has no MFA")
    assert outcome(v2, "1.6", A) == ("FAIL", f"the root user of account {A} has no MFA")
    assert outcome(v2, "1.7", A) == ("PASS", "")
    # from v5.0.0 (C4, C5) a root user without a password needs no MFA: every root control passes
    for control in ("2.4", "2.5", "2.6", "2.7"):
        assert outcome(v7, control, A) == ("PASS", ""), control
    # the summary without AccountPasswordPresent: judged where the field is not needed, else an ERROR naming it
    missing = (
        f"iam:GetAccountSummary failed in account {B}, region global: MissingField "
        "(the answer's SummaryMap has no AccountPasswordPresent, which this control needs)"
    )
    assert outcome(v2, "1.5", B) == ("FAIL", f"the root user of account {B} has no MFA")
    assert outcome(v7, "2.5", B) == ("ERROR", missing)
    assert outcome(v7, "2.6", B) == ("ERROR", missing)
    assert outcome(v7, "2.4", B) == ("PASS", "")
