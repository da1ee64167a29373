"""v7.0.0 subsection 2.1: AWS Organizations (judged from the management account).

PYTEST_DONT_REWRITE: a control's verdict is its own message, so pytest's assertion
introspection (costly at organisation scale, and noise in a finding) is left out.

Manual for now, one finding per audited account, each saying what to check by hand.
"""
from plugin.controls import control


def _each_account(inv):
    return inv.accounts()


@control("org-centralized-root", units=_each_account, manual=True)
def test_org_centralized_root(account):
    """Manual: the registry's manual_check says what to verify."""


@control("org-guardrails", units=_each_account, manual=True)
def test_org_guardrails(account):
    """Manual: the registry's manual_check says what to verify."""


@control("org-management-no-workloads", units=_each_account, manual=True)
def test_org_management_no_workloads(account):
    """Manual: the registry's manual_check says what to verify."""


@control("org-ou-structure", units=_each_account, manual=True)
def test_org_ou_structure(account):
    """Manual: the registry's manual_check says what to verify."""


@control("org-policy-delegation", units=_each_account, manual=True)
def test_org_policy_delegation(account):
    """Manual: the registry's manual_check says what to verify."""


@control("org-delegated-admins", units=_each_account, manual=True)
def test_org_delegated_admins(account):
    """Manual: the registry's manual_check says what to verify."""
