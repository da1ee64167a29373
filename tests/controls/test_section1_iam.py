"""Section 1 controls, both sides of each, against in-process moto."""
from moto.iam.models import iam_backends

from tests.harness import A, B


def set_account_summary(account, **flags):
    """moto has no root user: set the summary flags the real account would report."""
    summary = iam_backends[account]["global"].account_summary
    for name, value in flags.items():
        setattr(summary, name, value)


def test_1_4_passes_without_root_access_key(audit):
    run = audit("1.4", accounts=[A])
    finding = run.one("1.4", account=A)
    assert (finding.status, finding.message) == ("PASS", "")


def test_1_4_fails_with_root_access_key(audit, moto):
    moto.client("iam", A)  # materialise the account
    set_account_summary(A, _account_access_keys_present=1)
    run = audit("1.4", accounts=[A])
    finding = run.one("1.4", account=A)
    assert (finding.status, finding.message) == ("FAIL", f"the root user of account {A} has an access key")


def test_1_5_each_account_on_its_own(audit, moto):
    moto.client("iam", B)
    set_account_summary(B, _account_mfa_enabled=1)
    run = audit("1.5", accounts=[A, B])
    assert run.statuses("1.5") == {f"{A}-global-account": "FAIL", f"{B}-global-account": "PASS"}
    assert run.one("1.5", account=A).message == f"the root user of account {A} has no MFA"
