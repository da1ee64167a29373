"""``--aws-accounts all``: the organisation's accounts, from organizations:ListAccounts.

Called with the base credentials (the management account or a delegated administrator),
through the cached reader, so the listing is in the snapshot like every other read.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..aws.errors import AwsCallError
from ..aws.reader import AwsReader
from ..aws.sessions import GLOBAL_REGION

ACTIVE = "ACTIVE"


class OrganizationsError(ValueError):
    pass


@dataclass
class OrgAccounts:
    active: list[str] = field(default_factory=list)  # audited (before sharding)
    excluded: list[str] = field(default_factory=list)  # active, left out by --aws-exclude-accounts
    skipped: dict[str, str] = field(default_factory=dict)  # account -> status (SUSPENDED, PENDING_CLOSURE)


def list_accounts(reader: AwsReader, caller: str, exclude: tuple[str, ...] = ()) -> OrgAccounts:
    try:
        answer = reader.call(caller, GLOBAL_REGION, "organizations", "ListAccounts")
    except AwsCallError as error:
        raise OrganizationsError(
            f"--aws-accounts all: cannot list the organisation's accounts from account {caller} ({error}); "
            "run from the management account or a delegated administrator with organizations:ListAccounts"
        ) from None
    found = OrgAccounts()
    for account in sorted(answer.get("Accounts", []), key=lambda a: a["Id"]):
        # Newer responses carry State; Status is the older field with the same meaning.
        status = account.get("State") or account.get("Status") or ACTIVE
        if status != ACTIVE:
            found.skipped[account["Id"]] = status
        elif account["Id"] in exclude:
            found.excluded.append(account["Id"])
        else:
            found.active.append(account["Id"])
    if not found.active:
        # Auditing nothing must not look like a clean estate.
        raise OrganizationsError(
            f"--aws-accounts all: organizations:ListAccounts from account {caller} lists no active account "
            f"to audit ({len(found.excluded)} excluded, {len(found.skipped)} not active)"
        )
    return found
