"""Regions a service control policy closes to an account: reported once, not per unit.

Control Tower's region deny (and any SCP like it) makes every call in a disallowed region
fail with AccessDenied "... with an explicit deny in a service control policy". Read unit by
unit, that is an ERROR for every unit of the region, hundreds across an organisation, all
saying the same thing. When *every* call the audit made for an account in a region was
refused that way, the region is not audited: it moves to the account's ``skipped_regions``
with the reason, as an opt-in region the account has not enabled does, and reaches every
output from there. It is never a pass, and like a disabled region it does not by itself
fail the run. A region where some call got through keeps its per-unit ERRORs: an SCP that
denies one service is a finding about that service, not about the region.

The decision is made from the reader's table (the snapshot), after the units are built, so
it rests on what AWS actually answered; the checks whose units carried those errors are then
built again over the regions left, from cached reads (no new AWS call).
"""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Iterable

from ..aws.errors import ACCESS_DENIED_CODES, AwsCallError
from ..aws.sessions import GLOBAL_REGION
from .base import Unevaluable, Unit
from .estate import Estate

SCP_DENY = "service control policy"  # AWS: "... with an explicit deny in a service control policy"


def is_scp_deny(error: AwsCallError | dict) -> bool:
    code, message = (error.code, error.message) if isinstance(error, AwsCallError) else (error["code"], error["message"])
    return code in ACCESS_DENIED_CODES and SCP_DENY in (message or "").lower()


def denied_regions(entries: dict[str, dict], estate: Estate) -> dict[tuple[str, str], str]:
    """(account, region) -> why, for each audited region where every call was an SCP deny."""
    denies: dict[tuple[str, str], list[AwsCallError]] = defaultdict(list)
    answered: set[tuple[str, str]] = set()  # a call got through, or failed for another reason
    for key, entry in entries.items():
        account, region = json.loads(key)[:2]  # snapshot.call_key: [account, region, ...]
        error = entry.get("error")
        if error is not None and is_scp_deny(error):
            denies[(account, region)].append(AwsCallError.from_dict(error))
        else:
            answered.add((account, region))
    found = {}
    for account in estate.integrated:
        for region in account.regions:
            errors = denies.get((account.id, region))
            if region == GLOBAL_REGION or not errors or (account.id, region) in answered:
                continue
            actions = sorted({e.action for e in errors})
            found[(account.id, region)] = (
                f"not audited: every call here ({len(errors)}, e.g. {', '.join(actions[:3])}) was refused "
                f"with an explicit deny in a service control policy"
            )
    return found


def skip(estate: Estate, denied: dict[tuple[str, str], str]) -> None:
    """Move each denied region from the account's audited regions to its skipped ones."""
    for account in estate.accounts:
        for region in list(account.regions):
            reason = denied.get((account.id, region))
            if reason:
                account.regions.remove(region)
                account.skipped_regions[region] = reason


def touches(units: Iterable[Unit], denied: dict[tuple[str, str], str]) -> bool:
    """Whether any unit carries an error from a denied region (its check must be built again)."""
    for unit in units:
        errors = [unit.error] if isinstance(unit, Unevaluable) else list(unit.errors.values())
        if any((e.account, e.region) in denied for e in errors):
            return True
    return False
