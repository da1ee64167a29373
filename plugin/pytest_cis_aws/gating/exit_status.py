"""The run's exit status, for CI gates.

0: everything passed, or is waived, known, manual or not applicable. 1: something failed or errored
(with ``--cis-fail-on error``: something errored). pytest's own codes (interrupted,
usage error, internal error, no tests collected) are left as pytest set them.
"""
from __future__ import annotations

import pytest

from ..outcomes import ERROR, FAIL
from .gating_options import FAIL_ON  # noqa: F401 (declared with the option; merge.py reads it here)


def failing_statuses(fail_on: str) -> frozenset[str]:
    return frozenset({ERROR}) if fail_on == "error" else frozenset({FAIL, ERROR})


def decide(pytest_status: int, statuses, fail_on: str, other_failures: int, empty_shard: bool = False) -> int:
    """``statuses``: every finding's status; ``other_failures``: failed reports that carry no finding."""
    if pytest_status == pytest.ExitCode.NO_TESTS_COLLECTED and empty_shard:
        return pytest.ExitCode.OK  # more shards than accounts: this job had nothing to audit
    if pytest_status not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        return pytest_status
    failing = failing_statuses(fail_on)
    if other_failures or any(status in failing for status in statuses):
        return pytest.ExitCode.TESTS_FAILED
    return pytest.ExitCode.OK
