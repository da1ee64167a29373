"""``--cis-owner-tag KEY``: each finding's ``owner``, so failures reach the people who can fix them.

The owner is the value of tag KEY on the finding's resource, else on its account (read in the
organization's management account when that account is part of the run), else empty. Tags
that cannot be read never make a control's verdict an error: the owner says so instead,
"unknown (tags unreadable: <reason>)".

Tags are read after the controls ran, on the controller, only when the option is given
(``collectors/tags.py``), through the run's reader: once per call, counted, in the snapshot.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from .aws.errors import AwsCallError
from .aws.reader import Read
from .aws.sessions import GLOBAL_REGION
from .collectors import org_governance, tags
from .collectors.base import AccountAws
from .collectors.inventory import Inventory
from .finding import Finding
from .summary import SummaryState

UNKNOWN = "unknown (tags unreadable: {reason})"


@dataclass(frozen=True)
class OwnerReport:
    """What the reports say about owners: the tag, and whether account tags were read."""

    tag: str
    account_tags: str  # one sentence: where account tags were read, or why they were not

    def to_dict(self) -> dict:
        return {"tag": self.tag, "account_tags": self.account_tags}

    @classmethod
    def from_dict(cls, data: dict) -> "OwnerReport":
        return cls(str(data.get("tag", "")), str(data.get("account_tags", "")))


def _reason(error: AwsCallError) -> str:
    return f"{error.action} {error.code}"


def _unknown(error: AwsCallError) -> str:
    return UNKNOWN.format(reason=_reason(error))


@dataclass(frozen=True)
class _AccountTags:
    tags: dict[str, str] | None = None  # None: not read
    error: AwsCallError | None = None


def _account_tags(inventory: Inventory) -> tuple[dict[str, _AccountTags], str]:
    """Each integrated account's tags, read in its organization's management account when
    that account is part of the run too (in any shard); and the sentence the reports show about it."""
    accounts = [a.id for a in inventory.estate.integrated]
    inventory.gather([org_governance.organization], inventory.max_workers)
    management: dict[str, str | AwsCallError | None] = {}
    for account in accounts:
        found = inventory.read_collected(org_governance.organization, account)
        management[account] = found.error or (found.value.management_account if found.value else None)
    # A management account of the run: audited here, or by another shard (--cis-shard), whose
    # accounts a shard may read (as the organisation-level evidence is), so shards merge into
    # the owners one run finds.
    readable = [(a, m) for a, m in management.items() if isinstance(m, str) and inventory.estate.in_run(m)]

    def read(pair: tuple[str, str]) -> Read:
        account, manager = pair
        aws = AccountAws(inventory.reader, manager, inventory.now, inventory.estate.partition)
        try:
            return Read(tags.account_tags(aws, account))
        except AwsCallError as error:
            return Read(None, error)

    with ThreadPoolExecutor(max_workers=max(1, min(inventory.max_workers, len(readable) or 1))) as pool:
        answers = dict(zip((a for a, _ in readable), pool.map(read, readable)))
    found: dict[str, _AccountTags] = {}
    for account, manager in management.items():
        if isinstance(manager, AwsCallError):
            found[account] = _AccountTags(error=manager)
        elif account in answers:
            found[account] = _AccountTags(answers[account].value, answers[account].error)
        else:
            found[account] = _AccountTags()
    managers = sorted({m for _, m in readable})
    unread = sorted(a for a, t in found.items() if t.tags is None and t.error is None)
    if not unread:
        note = f"Account tags were read in the management account {', '.join(managers)}." if managers else ""
    else:
        read = f"Account tags were read in the management account {', '.join(managers)}; not" if managers \
            else "Account tags were not read"
        note = (f"{read} for {', '.join(unread)}: in no organization, or in one whose management account is not "
                "part of this run (Organizations answers tag reads there only).")
    return found, note


def _resource_listing(inventory: Inventory, account: str, region: str) -> Read:
    """ARN -> tags for the finding's region; a global resource is looked for in every region
    of its account (unreadable only when no region could be read)."""
    account_info = next(a for a in inventory.estate.integrated if a.id == account)
    regions = account_info.regions if region == GLOBAL_REGION else [region]
    merged: dict[str, dict[str, str]] = {}
    first_error = None
    for name in regions:
        found = inventory.read_collected(tags.resource_tags, account, name)
        if found.error is not None:
            first_error = first_error or found.error
            if region != GLOBAL_REGION:
                return found
        else:
            merged.update(found.value)
    if first_error is not None and not merged:
        return Read(None, first_error)
    return Read(merged)


def owner_of(finding: Finding, key: str, listing_of, accounts: dict[str, _AccountTags]) -> str:
    """``listing_of(account, region)``: the resources' tags there (a Read)."""
    account = finding.account
    if account not in accounts:
        return ""  # an account the run could not reach: no tags to read
    resource = finding.resource
    if resource.startswith("arn:"):
        listing = listing_of(account, finding.region)
        if listing.error is not None:
            return _unknown(listing.error)
        value = listing.value.get(resource, {}).get(key)
        if value is not None:
            return value
    tagged = accounts[account]
    if tagged.error is not None:
        return _unknown(tagged.error)
    return (tagged.tags or {}).get(key, "")


def assign(state: SummaryState, inventory: Inventory, key: str) -> OwnerReport:
    """Give every finding its owner and say on the state how account tags were read."""
    integrated = inventory.estate.integrated
    inventory.gather([tags.resource_tags], inventory.max_workers)  # one listing per account and region
    accounts, note = _account_tags(inventory) if integrated else ({}, "")
    listings: dict[tuple[str, str], Read] = {}  # merged once per account and region, not per finding

    def listing_of(account: str, region: str) -> Read:
        if (account, region) not in listings:
            listings[(account, region)] = _resource_listing(inventory, account, region)
        return listings[(account, region)]

    # A finding is frozen: each is replaced by itself with its owner (in place, so the run
    # never holds two lists of them).
    findings = state.findings
    for index, finding in enumerate(findings):
        findings[index] = replace(finding, owner=owner_of(finding, key, listing_of, accounts))
    state.owners = OwnerReport(key, note)
    return state.owners
