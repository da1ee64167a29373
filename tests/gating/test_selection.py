"""Selection: --cis-level, --cis-controls, -m and -k; what is left out is listed, never passed."""
from __future__ import annotations

import pytest

from pytest_cis_aws.gating import selection
from pytest_cis_aws.registry import controls
from tests.gating.estate import root_access_key
from tests.harness import A

EVERY = controls()


def ids(found) -> list[str]:
    return [c.id for c in found]


def test_level_and_patterns_select_before_parametrisation():
    assert ids(selection.select(EVERY, 2, ("1.4", "2.1.*"))) == ["1.4", "2.1.1", "2.1.2", "2.1.3", "2.1.4"]
    assert ids(selection.select(EVERY, 1, ("1.4", "2.1.*"))) == ["1.4", "2.1.2", "2.1.4"]
    assert "1.6" not in ids(selection.select(EVERY, 1, None)) and "1.6" in ids(selection.select(EVERY, 2, None))


def test_a_pattern_that_selects_nothing_is_an_error():
    with pytest.raises(selection.SelectionError) as raised:
        selection.check_patterns(("1.4", "9.*"), ids(EVERY), "2.0.0")
    assert str(raised.value) == "--cis-controls: '9.*' matches no control of 2.0.0"


def test_left_out_controls_are_listed_and_never_counted(audit, moto):
    root_access_key(moto, A)
    run = audit(accounts=[A], args=["--cis-level", "1", "--cis-controls", "1.4,1.5,1.6",
                                    "-m", "iam and level1", "-k", "not test_1_5_"])
    assert [(f.control, f.status, f.message) for f in run.findings] == [
        ("1.4", "FAIL", f"the root user of account {A} has an access key")]
    assert run.document["controls"] == ["1.4"]
    gating = run.document["gating"]
    assert gating["deselected"] == ["1.5"]
    assert "1.6" in gating["not_selected"] and "1.5" not in gating["not_selected"]
    assert len(gating["not_selected"]) == len(EVERY) - 2
    assert run.document["totals"]["passed"] == 0 and run.document["totals"]["resources_scanned"] == 1
    table = run.output.split("Section Title", 1)[1]
    assert "1.4     Ensure no 'root' user account access key exists" in table
    assert "\n1.5 " not in table and "\n1.6 " not in table
    assert "  deselected (-k, -m): 1.5" in run.output
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED


def test_unknown_control_pattern_is_a_usage_error(audit, moto):
    run = audit(accounts=[A], args=["--cis-controls", "1.4,7.*"])
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--cis-controls: '7.*' matches no control of 2.0.0" in run.result.stderr.str()
