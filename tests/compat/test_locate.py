"""The audit switches on for our controls only: a folder of someone else's named cis_checks
is not ours, whatever it is called."""
from __future__ import annotations

import pytest

from pytest_cis_aws import locate
from tests.harness import CHECKS_DIR


def test_our_controls_are_recognised_by_location(tmp_path):
    theirs = tmp_path / "cis_checks"
    theirs.mkdir()
    (theirs / "__init__.py").write_text("")
    assert locate.is_checkout_controls(CHECKS_DIR)
    assert not locate.is_checkout_controls(theirs)
    assert locate.installed_controls() == CHECKS_DIR  # this checkout, installed editable


def test_a_projects_own_cis_checks_runs_as_plain_tests(pytester: pytest.Pytester):
    pytester.makepyfile(**{"cis_checks/__init__.py": "", "cis_checks/test_theirs.py": "def test_theirs():\n    pass\n"})
    result = pytester.runpytest_inprocess("cis_checks", "-p", "no:cacheprovider")  # the entry point loads the plugin
    result.assert_outcomes(passed=1)
    assert "CIS compliance summary" not in result.stdout.str()
