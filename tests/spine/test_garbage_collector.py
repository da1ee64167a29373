"""The audit tunes Python's cycle collector for its run and gives it back as it was.

A program that runs pytest in-process (pytester here) must find the collector's thresholds
and frozen set unchanged afterwards; the one lasting trace is a gc.freeze registered once
for interpreter exit, which skips a final full collection of everything still alive.
"""
from __future__ import annotations

import atexit
import gc

from pytest_cis_aws import gc_tuning
from tests.harness import A


def test_an_in_process_audit_leaves_the_collector_as_it_found_it(audit, monkeypatch):
    at_exit = []
    monkeypatch.setattr(gc_tuning, "_freeze_at_exit_registered", False)
    monkeypatch.setattr(atexit, "register", lambda function, *args, **kwargs: at_exit.append(function))
    thresholds, frozen = gc.get_threshold(), gc.get_freeze_count()

    first = audit("1.5")
    second = audit("1.5")

    assert [f.status for f in first.of("1.5", account=A)] == ["FAIL"]
    assert [f.status for f in second.of("1.5", account=A)] == ["FAIL"]
    assert gc.get_threshold() == thresholds
    assert gc.get_freeze_count() == frozen
    assert at_exit.count(gc.freeze) == 1  # once per process, however many sessions ran
