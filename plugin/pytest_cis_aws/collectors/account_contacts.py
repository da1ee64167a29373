"""Account contact evidence (global): the security alternate contact (control 1.2)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..aws.sessions import GLOBAL_REGION
from .base import Unit, collector, errors_of


@dataclass(frozen=True, kw_only=True)
class AccountContacts(Unit):
    security_contact: dict[str, Any] | None = None  # None: no security contact registered


@collector(regional=False)
def contacts(aws) -> AccountContacts:
    # ResourceNotFoundException is how the Account API says "no contact of this type".
    security = aws.read(
        "account", "GetAlternateContact", AlternateContactType="SECURITY", absent=("ResourceNotFoundException",)
    )
    return AccountContacts(
        account=aws.account,
        region=GLOBAL_REGION,
        resource=aws.account,
        label="account",
        security_contact=(security.value or {}).get("AlternateContact"),
        errors=errors_of(security_contact=security),
    )


def accounts(inv):
    return inv.accounts(contacts)
