"""Controller-side gating hooks, registered as ``cis-gating`` next to ``cis-audit``.

It notes controls the user deselected with -k / -m (so they are listed, not shown as
passed) and sets the exit status from the findings once the run is over.
"""
from __future__ import annotations

import pytest

from ..items import ControlItem
from .. import outcomes
from ..roles import is_controller
from . import exit_status

NAME = "cis-gating"


class GatingPlugin:
    def __init__(self, config: pytest.Config, audit):
        self.config = config
        self.audit = audit
        self._deselected: set[str] = set()
        self._other_failures = 0

    def pytest_deselected(self, items) -> None:
        for item in items:
            if isinstance(item, ControlItem):
                self._deselected.add(item.control.id)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        remaining = {item.control.id for item in session.items if isinstance(item, ControlItem)}
        gone = self._deselected - remaining
        self.audit.gate.user_deselected = gone
        # Out of every table too: a control nobody evaluated must not read as a clean row.
        self.audit.state.controls = [c for c in self.audit.state.controls if c.id not in gone]

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed and outcomes.finding_of(report) is None:
            self._other_failures += 1

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus) -> None:
        if not is_controller(self.config) or self.audit.inventory is None:
            return
        session.exitstatus = exit_status.decide(
            exitstatus,
            [f["status"] for f in self.audit.state.findings],
            self.audit.options.gating.fail_on,
            self._other_failures,
            empty_shard=self.audit.gate.shard_accounts == [],
        )
