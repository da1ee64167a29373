"""The rule that names a control test, written once.

A control test is named ``test_<id with underscores>_<what it checks>``: ``test_1_10_...``
for CIS 1.10, ``test_org_1_...`` for a team's ORG.1. A check that v2.0.0 lacks is known by a
name ("rds-multi-az") and its test is exactly ``test_rds_multi_az``. Each benchmark version
renames the items by its own id (items.py), with the same rule.
"""
from __future__ import annotations


def test_prefix(control_id: str) -> str:
    """What a control test's name starts with: ``test_1_10_`` for 1.10, ``test_org_1_`` for ORG.1."""
    return "test_" + control_id.lower().replace(".", "_").replace("-", "_") + "_"


def named_check_test(check: str) -> str:
    """The one name a test of a check known by a name may have: ``test_rds_multi_az``."""
    return test_prefix(check)[:-1]


test_prefix.__test__ = False  # a function of this name is not one of pytest's tests
