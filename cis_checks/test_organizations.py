"""v7.0.0 subsection 2.1: AWS Organizations, judged from the management account.

PYTEST_DONT_REWRITE: a control's verdict is its own message, so pytest's assertion
introspection (costly at organisation scale, and noise in a finding) is left out.

One unit per audited account. In a member account every control here is NOT_APPLICABLE,
with the reason: the organization is judged once, from its management account. Centralized
root access is decided by the API; the other five are judgements (what a "baseline"
guardrail is, what a "workload" is), reported MANUAL with the facts a person needs.
"""
from pytest_cis_aws.controls import control, evidence, manual, not_applicable, passed_because
from pytest_cis_aws.collectors import org_governance as org
from pytest_cis_aws.collectors.org_governance import IAM_SERVICE, ROOT_CREDENTIALS
from pytest_cis_aws.rules.resource_policy import as_list, statements


def _organization(unit, *, required: bool = False):
    """The unit's organization, once it is the management account's; ends the test otherwise."""
    found = unit.organization
    evidence("organizations:DescribeOrganization", Id=found.id if found else None,
             MasterAccountId=found.management_account if found else None,
             FeatureSet=found.feature_set if found else None)
    if found is None:
        assert not required, f"account {unit.account} belongs to no AWS organization"
        not_applicable(f"account {unit.account} belongs to no AWS organization: there is none to review")
    if not unit.is_management:
        not_applicable(f"account {unit.account} is a member of organization {found.id}: the organization is "
                       f"judged from its management account {found.management_account}")
    return found


def _principals(principal) -> list:
    """Every principal a statement names: "*", or the values under AWS / Service..."""
    if isinstance(principal, dict):
        return [p for value in principal.values() for p in as_list(value)]
    return as_list(principal)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@control("org-centralized-root", units=org.centralized_root, reads=("facts",))
def test_org_centralized_root(unit):
    found = _organization(unit, required=True)
    access = unit.facts
    evidence("organizations:ListAWSServiceAccessForOrganization", EnabledServicePrincipals=list(access.services))
    evidence("iam:ListOrganizationsFeatures", EnabledFeatures=list(access.features))
    missing = ([f"IAM has no trusted access ({IAM_SERVICE})"] if IAM_SERVICE not in access.services else []) + \
              ([f"{ROOT_CREDENTIALS} is not enabled"] if ROOT_CREDENTIALS not in access.features else [])
    assert not missing, (
        f"organization {found.id} (management account {unit.account}) does not manage root access centrally: "
        + "; ".join(missing)
    )
    passed_because(f"organization {found.id} manages root credentials centrally "
                   f"(IAM trusted access; features: {', '.join(access.features)})")


def _target(policy, target, tree) -> str:
    target_id, kind, name = target
    if kind == "ACCOUNT":
        return f"account {tree.named(target_id)}"
    if kind == "ROOT":
        return f"root {target_id}"
    return f"OU {tree.path(target_id)} ({target_id})"


@control("org-guardrails", units=org.guardrails, reads=("facts",), manual=True)
def test_org_guardrails(unit):
    found = _organization(unit)
    tree, policies = unit.facts
    uncovered, shown = {}, {}
    for kind, listed in policies.items():
        shown[kind] = [f"{p.name} ({p.id}{', AWS managed' if p.aws_managed else ''}): "
                       + (", ".join(_target(p, t, tree) for t in p.targets) or "attached nowhere")
                       for p in listed or []] if listed is not None else "policy type not enabled"
        # An account is covered when a policy of the organization's own (not AWS's FullAWSAccess)
        # is attached to it, to one of its OUs or to the root. SCPs never apply to the management account.
        attached = {t[0] for p in listed or [] if not p.aws_managed for t in p.targets}
        uncovered[kind] = [tree.named(a) for a in tree.active()
                           if a != unit.account and not attached & {a, *tree.ancestors(a)}]
    evidence("organizations:ListTargetsForPolicy", **shown)
    evidence("organizations:ListAccounts", member_accounts_no_SCP_of_yours_covers=uncovered[org.POLICY_TYPES[0]],
             member_accounts_no_RCP_of_yours_covers=uncovered[org.POLICY_TYPES[1]])
    own = {kind: sum(1 for p in listed or [] if not p.aws_managed) for kind, listed in policies.items()}
    manual(
        f"review the {_plural(own[org.POLICY_TYPES[0]], 'SCP')} and {_plural(own[org.POLICY_TYPES[1]], 'RCP')} of "
        f"organization {found.id} against your documented guardrails; member accounts no policy of yours covers: "
        f"{', '.join(uncovered[org.POLICY_TYPES[0]]) or 'none'} (SCPs), {', '.join(uncovered[org.POLICY_TYPES[1]]) or 'none'} (RCPs)"
    )


@control("org-management-no-workloads", units=org.management_workloads, reads=("facts",), manual=True)
def test_org_management_no_workloads(unit):
    found = _organization(unit)
    workloads = unit.facts
    for kind, names in workloads.by_type.items():
        evidence(workloads.sources[kind], **{kind: names})
    kinds = ", ".join(f"{kind}: {len(names)}" for kind, names in workloads.by_type.items()) or "none found"
    manual(f"confirm that the resources of management account {unit.account} of organization {found.id} are "
           f"governance, billing or security resources only ({kinds}; other resource types: Tag Editor or AWS Config)")


@control("org-ou-structure", units=org.ou_structure, reads=("facts",), manual=True)
def test_org_ou_structure(unit):
    found = _organization(unit)
    tree = unit.facts
    placed = {}
    for account, parent in tree.parent_of.items():
        placed.setdefault(parent, []).append(account)
    lines = [f"{tree.path(node)} ({node}): " + (", ".join(tree.named(a) for a in sorted(placed.get(node, []))) or "no account")
             for node in sorted([*tree.roots, *tree.units], key=tree.path)]
    evidence("organizations:ListOrganizationalUnitsForParent", ou_tree=lines)
    manual(f"confirm that the {_plural(len(tree.units), 'organizational unit')} of organization {found.id} separate "
           "accounts by environment and data sensitivity, not by team")


@control("org-policy-delegation", units=org.policy_delegation, reads=("facts",), manual=True)
def test_org_policy_delegation(unit):
    found = _organization(unit)
    policy = unit.facts
    if policy is None:
        evidence("organizations:DescribeResourcePolicy", ResourcePolicy=None)
        manual(f"organization {found.id} has no delegation policy, so its policies are managed from the management "
               f"account {unit.account}: confirm that is intended, or delegate to a governance member account")
    granted = [{"Sid": s.get("Sid"), "Principal": s.get("Principal"), "Action": s.get("Action")}
               for s in statements(policy.get("Content")) if str(s.get("Effect", "")).lower() == "allow"]
    evidence("organizations:DescribeResourcePolicy", statements=granted)
    principals = sorted({str(p) for s in granted for p in _principals(s["Principal"])})
    manual(f"confirm that the delegation policy of organization {found.id} lets a governance member account manage "
           f"its policies (principals: {', '.join(principals) or 'none'})")


@control("org-delegated-admins", units=org.delegated_admins, reads=("facts",), manual=True)
def test_org_delegated_admins(unit):
    found = _organization(unit)
    delegations, trails = unit.facts
    per_service = {service: ", ".join(f"{a} ({delegations.admin_names.get(a, '')})".replace(" ()", "")
                                      for a in delegations.admins.get(service, ())) or "none: run from the management account"
                   for service in sorted({*delegations.services, *delegations.admins})}
    evidence("organizations:ListDelegatedAdministrators", delegated_administrators=per_service)
    evidence("cloudtrail:DescribeTrails", organization_trails=list(trails))
    without = [s for s, admin in per_service.items() if admin.startswith("none")]
    manual(f"confirm that each service in use in organization {found.id} is administered from a member account: "
           f"{len(per_service) - len(without)} of {_plural(len(per_service), 'service')} have a delegated administrator"
           + (f"; none for {', '.join(without)}" if without else ""))
