"""Exit status: 0 when all passed or is accepted, 1 on failures or errors, pytest's own codes kept."""
from __future__ import annotations

import pytest

from pytest_cis_aws.gating.exit_status import decide
from tests.gating.estate import root_access_key
from tests.harness import A

OK, FAILED = pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED


@pytest.mark.parametrize("statuses, fail_on, expected", [
    (["PASS", "WAIVED", "KNOWN", "MANUAL"], "failure", OK),
    (["PASS", "NOT_APPLICABLE", "MANUAL"], "failure", OK),  # a control that does not apply never fails a run
    (["PASS", "FAIL"], "failure", FAILED),
    (["PASS", "ERROR"], "failure", FAILED),
    (["PASS", "FAIL", "WAIVED"], "error", OK),
    (["PASS", "ERROR"], "error", FAILED),
])
def test_status_from_findings(statuses, fail_on, expected):
    assert decide(FAILED, statuses, fail_on, other_failures=0) == expected


@pytest.mark.parametrize("code", [pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR,
                                  pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.NO_TESTS_COLLECTED])
def test_pytest_own_codes_are_kept(code):
    assert decide(code, ["FAIL"], "failure", 0) == code


def test_failures_outside_the_controls_still_fail_and_an_empty_shard_passes():
    assert decide(FAILED, ["PASS"], "error", other_failures=1) == FAILED
    assert decide(pytest.ExitCode.NO_TESTS_COLLECTED, [], "failure", 0, empty_shard=True) == OK


def test_fail_on_error_lets_failures_through(audit, moto):
    root_access_key(moto, A)
    run = audit("1.4", accounts=[A], args=["--cis-fail-on", "error"])
    assert (run.one("1.4", account=A).status, run.result.ret) == ("FAIL", pytest.ExitCode.OK)
