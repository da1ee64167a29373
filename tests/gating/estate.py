"""Seeding helpers for the gating tests: account-level failures moto cannot create itself."""
from __future__ import annotations

from moto.iam.models import iam_backends


def root_access_key(moto, account: str, present: bool = True) -> None:
    """Control 1.4 fails in ``account`` while its root user has an access key."""
    moto.client("iam", account)  # materialise the account in moto
    iam_backends[account]["global"].account_summary._account_access_keys_present = int(present)


def root_mfa(moto, account: str, enabled: bool = True) -> None:
    """Control 1.5 passes in ``account`` while its root user has MFA."""
    moto.client("iam", account)
    iam_backends[account]["global"].account_summary._account_mfa_enabled = int(enabled)


def key_message(account: str) -> str:
    return f"the root user of account {account} has an access key"


def mfa_message(account: str) -> str:
    return f"the root user of account {account} has no MFA"
