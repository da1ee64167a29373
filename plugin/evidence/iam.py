"""IAM evidence (global): account summary, password policy, credential report, and more."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..evidence.base import Unit, collector, errors_of
from ..aws.sessions import GLOBAL_REGION


@dataclass(frozen=True, kw_only=True)
class IamAccount(Unit):
    """Account-wide IAM facts."""

    summary: dict[str, Any] | None = None
    password_policy: dict[str, Any] | None = None  # None: the account has no password policy


@collector(regional=False)
def account(aws) -> IamAccount:
    summary = aws.read("iam", "GetAccountSummary")
    policy = aws.read("iam", "GetAccountPasswordPolicy", absent=("NoSuchEntity",))
    return IamAccount(
        account=aws.account,
        region=GLOBAL_REGION,
        resource=aws.account,
        label="account",
        summary=(summary.value or {}).get("SummaryMap"),
        password_policy=(policy.value or {}).get("PasswordPolicy") if policy.value else None,
        errors=errors_of(summary=summary, password_policy=policy),
    )


def accounts(inv):
    """Account units carrying IamAccount evidence."""
    return inv.accounts(account)
