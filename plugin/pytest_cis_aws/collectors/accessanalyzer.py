"""IAM Access Analyzer evidence (regional): the analyzers of each account and region, and
the organization analyzers that cover a member account.

An ORGANIZATION analyzer has the whole organization as its zone of trust: AWS lets only the
management account or the delegated administrator for Access Analyzer create one, and it
analyses every member's resources in its own region. So a member without an analyzer of
its own in region R is covered by an active organization analyzer in R of one of those two
accounts. They are found from the member's organization (DescribeOrganization: its
management account) and, in the management account, ListDelegatedAdministrators. Both are
read only for an account with no active external-access analyzer of its own there, so an
estate where every account runs its own analyzer makes no Organizations call. When one of
those accounts is not part of the run its analyzers cannot be listed: the unit says which
account to add (``unjudged``), and the control is MANUAL, not a FAIL.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..aws.errors import AwsCallError
from . import org_governance
from .base import RegionUnit, collector

EXTERNAL_ACCESS_TYPES = ("ACCOUNT", "ORGANIZATION")
ORGANIZATION_TYPES = ("ORGANIZATION", "ORGANIZATION_UNUSED_ACCESS")
SERVICE_PRINCIPAL = "access-analyzer.amazonaws.com"


@dataclass(frozen=True)
class Analyzer:
    name: str
    arn: str
    type: str  # ACCOUNT or ORGANIZATION (or their *_UNUSED_ACCESS variants)
    status: str  # ACTIVE, CREATING, DISABLED, FAILED

    @property
    def external_access(self) -> bool:
        """Looks for access from outside its zone of trust (not for unused access)."""
        return self.type in EXTERNAL_ACCESS_TYPES

    @property
    def owner(self) -> str:
        return self.arn.split(":")[4] if self.arn.count(":") >= 4 else ""


@collector(regional=True)
def analyzers(aws, region) -> list[Analyzer]:
    listed = aws.call("accessanalyzer", "ListAnalyzers", region=region).get("analyzers", [])
    # name, arn, type and status are required in AWS's answer; an absent one is read as empty
    # (never ACTIVE, never a type that counts), so it cannot pass a control.
    return [Analyzer(a.get("name", ""), a.get("arn", ""), a.get("type", ""), a.get("status", "")) for a in listed]


@collector(regional=False)
def analyzer_administrators(aws) -> tuple[str, ...]:
    """The delegated administrators for Access Analyzer (read in the management account)."""
    found = aws.call("organizations", "ListDelegatedAdministrators", absent=org_governance.NOT_ENABLED,
                     ServicePrincipal=SERVICE_PRINCIPAL) or {}
    return tuple(sorted(a.get("Id", "") for a in found.get("DelegatedAdministrators", []) or [] if a.get("Id")))


@dataclass(frozen=True, kw_only=True)
class AnalyzedRegion(RegionUnit):
    """An account's analyzers in a region (``record``), and what its organization provides there."""

    organization_analyzers: tuple[Analyzer, ...] = ()  # of the management account / delegated admin
    unknown: tuple[AwsCallError, ...] = ()  # reads that could have found one
    unjudged: str | None = None  # an account that could hold one is not part of the run

    def covered_by(self, counts) -> str | None:
        """The sentence naming the organization analyzer that covers this account here (one
        ``counts`` accepts), or None. Raises the first failed read when none does and an
        unread one might have."""
        covering = next((a for a in self.organization_analyzers if counts(a)), None)
        if covering is not None:
            return (f"organization analyzer {covering.name} of account {covering.owner} is active in {self.region} "
                    f"and covers account {self.account}")
        if self.unknown:
            raise self.unknown[0]
        return None


def _organization_side(inv, account: str, region: str) -> dict:
    """The organization analyzers covering ``account`` in ``region``, or why they are unknown."""
    org = inv.read_collected(org_governance.organization, account)
    if org.error is not None:
        return {"unknown": (org.error,)}
    if org.value is None:
        return {}  # in no organization
    management = org.value.management_account  # its zone of trust holds the management account too
    if not inv.estate.in_run(management):
        return {"unjudged": _outside_run(account, org.value.id, management, "its management account")}
    admins = inv.read_collected(analyzer_administrators, management)
    if admins.error is not None:
        return {"unknown": (admins.error,)}
    found, unknown, outside = [], [], []
    for owner in sorted({management, *admins.value} - {account}):
        if not inv.estate.in_run(owner):
            outside.append(owner)
            continue
        listed = inv.read_collected(analyzers, owner, region)
        if listed.error is not None:
            unknown.append(listed.error)
            continue
        found += [a for a in listed.value if a.type in ORGANIZATION_TYPES]
    side: dict = {"organization_analyzers": tuple(found), "unknown": tuple(unknown)}
    if outside:
        side["unjudged"] = _outside_run(account, org.value.id, outside[0], "the delegated administrator for Access Analyzer")
    return side


def _outside_run(account: str, org_id: str, owner: str, role: str) -> str:
    return (
        f"account {account} has no analyzer of its own here, and an organization analyzer of account {owner} "
        f"({role} of organization {org_id}) would cover it, but account {owner} is not part of this run: "
        f"add it to --aws-accounts to judge this control"
    )


def analyzers_by_region(inv):
    """One AnalyzedRegion per account and region; ``record`` is that region's own analyzers."""
    def build(account: str, region: str, record: list[Analyzer]):
        own = any(a.status == "ACTIVE" and a.external_access for a in record)  # counts under every version
        side = {} if own else _organization_side(inv, account, region)
        return [AnalyzedRegion(account=account, region=region, resource=account, record=record, **side)]

    return inv.per_region(analyzers, build)
