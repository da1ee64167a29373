"""AWS Organizations, as v7.0.0's 2.1.x controls see it: one unit per audited account.

Every account says which organization it belongs to (organizations:DescribeOrganization).
The controls are judged from the organization's management account, so the facts each one
needs (trusted access and root-access features, the OU tree, SCPs and RCPs with their
targets, the resources of the management account, the delegation policy, delegated
administrators) are read there only, and only for the controls selected. A member account's
unit carries its organization alone: the controls report it NOT_APPLICABLE, with the reason.

Not named organizations.py: tests/trust treats that name as the base-credentials module.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from ..aws.errors import AwsCallError
from ..aws.sessions import GLOBAL_REGION
from . import access_logs, cloudtrail, instances, rds, s3
from .base import Unevaluable, Unit, collector, errors_of
from .estate import unavailable_error

FACTS = "facts"  # the evidence field the 2.1.x controls read
IAM_SERVICE = "iam.amazonaws.com"
ROOT_CREDENTIALS = "RootCredentialsManagement"
POLICY_TYPES = ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")
# "Not configured" answers: no organization; trusted access or a policy type not enabled.
NOT_IN_ORGANIZATION = ("AWSOrganizationsNotInUseException",)
NOT_ENABLED = ("ServiceAccessNotEnabledException", "OrganizationNotInAllFeaturesModeException",
               "PolicyTypeNotEnabledException")


@dataclass(frozen=True)
class Organization:
    id: str
    arn: str
    management_account: str
    feature_set: str


@dataclass(frozen=True, kw_only=True)
class OrgAccount(Unit):
    """An audited account and its organization (None: it belongs to none). In the management
    account, ``facts`` holds what the control needs (see each unit source)."""

    organization: Organization | None
    facts: Any = None

    @property
    def is_management(self) -> bool:
        return self.organization is not None and self.organization.management_account == self.account


@collector(regional=False)
def organization(aws) -> Organization | None:
    found = aws.call("organizations", "DescribeOrganization", absent=NOT_IN_ORGANIZATION)
    if found is None:
        return None
    org = found["Organization"]
    return Organization(org["Id"], org.get("Arn", ""), org.get("MasterAccountId", ""), org.get("FeatureSet", ""))


# -- the facts, read in the management account ------------------------------------------------
@dataclass(frozen=True)
class RootAccess:
    services: tuple[str, ...]  # service principals with trusted access
    features: tuple[str, ...]  # IAM's centralized root access features enabled


@collector(regional=False)
def root_access(aws) -> RootAccess:
    services = aws.call("organizations", "ListAWSServiceAccessForOrganization", absent=NOT_ENABLED) or {}
    features = aws.call("iam", "ListOrganizationsFeatures", absent=NOT_ENABLED) or {}
    return RootAccess(
        tuple(sorted(s["ServicePrincipal"] for s in services.get("EnabledServicePrincipals", []) or [])),
        tuple(sorted(features.get("EnabledFeatures", []) or [])),
    )


@dataclass(frozen=True)
class OrgTree:
    """The organization's shape: roots and OUs (id -> name, parent) and where each account sits."""

    roots: dict[str, str]  # root id -> name
    units: dict[str, tuple[str, str]]  # OU id -> (name, parent id)
    parent_of: dict[str, str]  # account id -> parent (root or OU) id
    accounts: dict[str, tuple[str, str]]  # account id -> (name, status)

    def path(self, parent: str) -> str:
        """``Root/Production/Payments``: the names from the root down to ``parent``."""
        names = []
        while parent in self.units:
            name, parent = self.units[parent]
            names.append(name)
        names.append(self.roots.get(parent, parent))
        return "/".join(reversed(names))

    def ancestors(self, account: str) -> list[str]:
        """The account's parent, its parent's parent... up to the root (ids)."""
        found, parent = [], self.parent_of.get(account)
        while parent is not None:
            found.append(parent)
            parent = self.units[parent][1] if parent in self.units else None
        return found

    def active(self) -> list[str]:
        return sorted(a for a, (_, status) in self.accounts.items() if status == "ACTIVE")

    def named(self, account: str) -> str:
        name = self.accounts.get(account, ("", ""))[0]
        return f"{account} ({name})" if name else account


@collector(regional=False)
def org_tree(aws) -> OrgTree:
    roots = {r["Id"]: r.get("Name", "Root") for r in aws.call("organizations", "ListRoots").get("Roots", [])}
    units: dict[str, tuple[str, str]] = {}
    parent_of: dict[str, str] = {}
    pending = list(roots)
    while pending:
        parent = pending.pop()
        for account in aws.call("organizations", "ListAccountsForParent", ParentId=parent).get("Accounts", []):
            parent_of[account["Id"]] = parent
        for unit in aws.call("organizations", "ListOrganizationalUnitsForParent", ParentId=parent).get("OrganizationalUnits", []):
            units[unit["Id"]] = (unit.get("Name", unit["Id"]), parent)
            pending.append(unit["Id"])
    listed = aws.call("organizations", "ListAccounts").get("Accounts", [])
    accounts = {a["Id"]: (a.get("Name", ""), a.get("State") or a.get("Status") or "ACTIVE") for a in listed}
    return OrgTree(roots, units, parent_of, accounts)


@dataclass(frozen=True)
class Policy:
    id: str
    name: str
    type: str
    aws_managed: bool
    targets: tuple[tuple[str, str, str], ...]  # (target id, type ROOT/ORGANIZATIONAL_UNIT/ACCOUNT, name)


@collector(regional=False)
def guardrail_policies(aws) -> dict[str, list[Policy] | None]:
    """SCPs and RCPs with their targets; None for a policy type the organization has not enabled."""
    found: dict[str, list[Policy] | None] = {}
    for kind in POLICY_TYPES:
        listed = aws.call("organizations", "ListPolicies", absent=NOT_ENABLED, Filter=kind)
        if listed is None:
            found[kind] = None
            continue
        policies = []
        for summary in listed.get("Policies", []) or []:
            targets = aws.call("organizations", "ListTargetsForPolicy", PolicyId=summary["Id"]).get("Targets", [])
            policies.append(Policy(summary["Id"], summary.get("Name", ""), kind, bool(summary.get("AwsManaged")),
                                   tuple((t["TargetId"], t.get("Type", ""), t.get("Name", "")) for t in targets)))
        found[kind] = policies
    return found


@collector(regional=False)
def delegation_policy(aws) -> dict | None:
    """The organization's resource-based delegation policy (its Content, parsed), or None."""
    found = aws.call("organizations", "DescribeResourcePolicy", absent=("ResourcePolicyNotFoundException",))
    return (found or {}).get("ResourcePolicy")


@dataclass(frozen=True)
class Delegations:
    services: tuple[str, ...]  # service principals with trusted access
    admins: dict[str, tuple[str, ...]]  # service principal -> delegated administrator accounts
    admin_names: dict[str, str]  # account -> name


@collector(regional=False)
def delegations(aws) -> Delegations:
    services = aws.call("organizations", "ListAWSServiceAccessForOrganization", absent=NOT_ENABLED) or {}
    admins: dict[str, list[str]] = {}
    names = {}
    for admin in aws.call("organizations", "ListDelegatedAdministrators").get("DelegatedAdministrators", []) or []:
        names[admin["Id"]] = admin.get("Name", "")
        delegated = aws.call("organizations", "ListDelegatedServicesForAccount", AccountId=admin["Id"])
        for service in delegated.get("DelegatedServices", []) or []:
            admins.setdefault(service["ServicePrincipal"], []).append(admin["Id"])
    return Delegations(
        tuple(sorted(s["ServicePrincipal"] for s in services.get("EnabledServicePrincipals", []) or [])),
        {service: tuple(sorted(accounts)) for service, accounts in sorted(admins.items())},
        names,
    )


# -- units ---------------------------------------------------------------------------------------
Gather = Callable[[Any, str], tuple[Any, dict[str, AwsCallError]]]


def _collected(*sources) -> Gather:
    """Facts from global collectors run in the management account: their results, in order."""

    def gather(inv, account: str):
        reads = [inv.read_collected(source, account) for source in sources]
        failed = next((read.error for read in reads if read.error is not None), None)
        values = tuple(read.value for read in reads)
        return (values[0] if len(values) == 1 else values), ({FACTS: failed} if failed else {})

    return gather


def org_units(inv, gather: Gather) -> Iterator[Unit]:
    """One unit per audited account: its organization, and in the management account the
    facts ``gather`` reads there."""
    inv.gather([organization], inv.max_workers)
    for account in inv.estate.accounts:
        if not account.integrated:
            yield Unevaluable(account=account.id, region=GLOBAL_REGION, resource=account.id, label="account",
                              error=unavailable_error(account))
            continue
        try:
            org = inv.collect(organization, account.id)
        except AwsCallError as error:
            yield Unevaluable(account=account.id, region=GLOBAL_REGION, resource=account.id, label="account", error=error)
            continue
        if org is not None and org.management_account == account.id:
            facts, errors = gather(inv, account.id)
            yield OrgAccount(account=account.id, region=GLOBAL_REGION, resource=org.arn or account.id,
                             label=f"organization/{org.id}", organization=org, facts=facts, errors=errors)
        else:
            yield OrgAccount(account=account.id, region=GLOBAL_REGION, resource=account.id, label="account",
                             organization=org)


def centralized_root(inv):
    return org_units(inv, _collected(root_access))


def guardrails(inv):
    return org_units(inv, _collected(org_tree, guardrail_policies))


def ou_structure(inv):
    return org_units(inv, _collected(org_tree))


def policy_delegation(inv):
    return org_units(inv, _collected(delegation_policy))


def delegated_admins(inv):
    return org_units(inv, _with_organization_trails)


def management_workloads(inv):
    return org_units(inv, _management_resources)


def _with_organization_trails(inv, account: str):
    found, errors = _collected(delegations)(inv, account)
    try:
        view = cloudtrail.account_trails(inv, account)  # every trail of the management account
    except AwsCallError as error:
        return (found, ()), {FACTS: error}
    trails = sorted({t.name for t in view.trails if t.raw.get("IsOrganizationTrail")})
    return (found, tuple(trails)), errors


def _regions(inv, account: str) -> list[str]:
    return next((a.regions for a in inv.estate.accounts if a.id == account), [])


# The management account's resources, by type, from what the suite's collectors list:
# (type as shown, IAM action, collector, regional, name of each record).
WORKLOAD_SOURCES: tuple[tuple[str, str, Any, bool, Callable[[Any], str]], ...] = (
    ("EC2 instances", "ec2:DescribeInstances", instances.instances, True, lambda r: r.id),
    ("RDS DB instances", "rds:DescribeDBInstances", rds.db_instances, True, lambda r: r.id),
    ("S3 buckets", "s3:ListAllMyBuckets", s3.buckets, False, lambda r: r.name),
    ("Load balancers", "elasticloadbalancing:DescribeLoadBalancers", access_logs.load_balancers, True, lambda r: r.name),
    ("API Gateway stages", "apigateway:GET", access_logs.rest_api_stages, True, lambda r: f"{r.id}/{r.stage}"),
    ("HTTP API stages", "apigateway:GET", access_logs.http_api_stages, True, lambda r: f"{r.id}/{r.stage}"),
    ("CloudFront distributions", "cloudfront:ListDistributions", access_logs.distributions, False, lambda r: r.name),
)


@dataclass(frozen=True)
class Workloads:
    by_type: dict[str, list[str]] = field(default_factory=dict)  # "EC2 instances" -> ["us-east-1 i-0abc", ...]
    sources: dict[str, str] = field(default_factory=dict)  # type -> IAM action it was listed with

    @property
    def count(self) -> int:
        return sum(len(names) for names in self.by_type.values())


def _management_resources(inv, account: str):
    by_type: dict[str, list[str]] = {}
    sources = {}
    for kind, action, source, regional, name in WORKLOAD_SOURCES:
        for region in (_regions(inv, account) if regional else [GLOBAL_REGION]):
            read = inv.read_collected(source, account, region)
            if read.error is not None:
                return None, {FACTS: read.error}
            names = [name(record) for record in read.value or []]
            if names:
                sources[kind] = action
                by_type.setdefault(kind, []).extend(f"{region} {n}" if regional else n for n in sorted(names))
    return Workloads(by_type, sources), {}
