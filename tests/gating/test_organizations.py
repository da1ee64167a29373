"""--aws-accounts all: the organisation's active accounts, with exclusions, from moto's Organizations."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from pytest_cis_aws.demo.clients import CALLER_ACCOUNT
from tests.harness import A


def create_account(org, name: str) -> str:
    status = org.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]
    return status["AccountId"]


def test_all_accounts_skips_suspended_and_excluded_ones(audit, moto):
    org = moto.client("organizations")  # the caller is the management account
    org.create_organization(FeatureSet="ALL")
    kept, excluded, closed = (create_account(org, name) for name in ("workload", "sandbox", "retired"))
    org.close_account(AccountId=closed)

    run = audit("1.4", accounts=["all"], args=["--aws-exclude-accounts", excluded])

    audited = sorted([CALLER_ACCOUNT, kept])
    assert [a["id"] for a in run.document["accounts"]] == audited
    assert [(f.account, f.status) for f in run.findings] == [(account, "PASS") for account in audited]
    gating = run.document["gating"]
    assert (gating["accounts_excluded"], gating["accounts_skipped"]) == ([excluded], {closed: "SUSPENDED"})
    assert f"  accounts excluded (--aws-exclude-accounts): {excluded}" in run.output
    assert f"  account skipped: {closed} is SUSPENDED in the organisation" in run.output
    assert run.result.ret == pytest.ExitCode.OK


class DenyListAccounts:
    """A plugin for the in-process audit: the caller may not call organizations:ListAccounts."""

    def pytest_cis_configure_session(self, session, account):
        def deny(model, **_):
            if model.name == "ListAccounts":
                error = {"Code": "AccessDeniedException", "Message": "not a management or delegated administrator account"}
                raise ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}, model.name)

        if account == "base":
            session.events.register_last("before-call.organizations", deny)


def test_all_accounts_without_organizations_access_is_a_usage_error(audit, moto):
    run = audit("1.4", accounts=["all"], plugins=[DenyListAccounts()])
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    assert (
        f"--aws-accounts all: cannot list the organisation's accounts from account {CALLER_ACCOUNT} "
        f"(organizations:ListAccounts failed in account {CALLER_ACCOUNT}, region global: AccessDeniedException "
        "(not a management or delegated administrator account); grant organizations:ListAccounts to the audit role); "
        "run from the management account or a delegated administrator with organizations:ListAccounts"
    ) in run.result.stderr.str()


def test_an_organisation_with_nothing_to_audit_is_a_usage_error(audit, moto):
    org = moto.client("organizations")
    org.create_organization(FeatureSet="ALL")
    run = audit("1.4", accounts=["all"], args=["--aws-exclude-accounts", CALLER_ACCOUNT])
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    assert (f"--aws-accounts all: organizations:ListAccounts from account {CALLER_ACCOUNT} lists no active "
            "account to audit (1 excluded, 0 not active)") in run.result.stderr.str()


def test_exclusions_need_all_accounts(audit, moto):
    run = audit("1.4", accounts=[A], args=["--aws-exclude-accounts", A])
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    assert ("--aws-exclude-accounts needs --aws-accounts all (otherwise list only the accounts you want)"
            in run.result.stderr.str())
