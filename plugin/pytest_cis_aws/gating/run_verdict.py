"""The run's verdict, on the controller (or a plain run): the ``cis-gating`` plugin.

It notes controls the user deselected with -k / -m (so they are listed, not shown as
passed: the findings writer and the gate read ``deselected``) and sets the exit status
from the findings once the run is over.
"""
from __future__ import annotations

import pytest

from ..items import ControlItem
from .. import outcomes
from . import exit_status

NAME = "cis-gating"


class RunVerdict:
    def __init__(self, audit, state):
        self.audit = audit  # read only: its options, gate and inventory
        self.state = state  # read only: the findings (findings_writer.py)
        self._deselected_items: set[str] = set()
        self.deselected: frozenset[str] = frozenset()  # controls wholly deselected by -k / -m
        self._other_failures = 0

    def pytest_deselected(self, items) -> None:
        for item in items:
            if isinstance(item, ControlItem):
                self._deselected_items.add(item.control.id)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        remaining = {item.control.id for item in session.items if isinstance(item, ControlItem)}
        self.deselected = frozenset(self._deselected_items - remaining)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed and outcomes.finding_of(report) is None:
            self._other_failures += 1

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus) -> None:
        if self.audit.inventory is None:
            return
        session.exitstatus = exit_status.decide(
            exitstatus,
            [f.status for f in self.state.findings],
            self.audit.options.gating.fail_on,
            self._other_failures,
            empty_shard=self.audit.gate.shard_accounts == [],
        )
