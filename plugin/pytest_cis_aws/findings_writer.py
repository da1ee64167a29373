"""The run's findings, on the controller (or a plain run): the ``cis-findings`` plugin.

Each deciding report's finding joins the summary state as it arrives; at the end of the
session the owners are read (--cis-owner-tag), gating is concluded, and the findings file
(and --aws-snapshot-out) are written. Every other report reads this state.
"""
from __future__ import annotations

import pytest

from . import outcomes
from .gating.gate import run_date
from .report import findings_json
from .summary import SummaryState

NAME = "cis-findings"


class FindingsWriter:
    def __init__(self, config: pytest.Config, audit, state: SummaryState, verdict):
        self.config = config
        self.audit = audit
        self.state = state
        self.verdict = verdict  # gating/run_verdict.py: which controls -k / -m deselected

    # trylast: once the verdict has seen what -k / -m deselected.
    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        # Out of every table too: a control nobody evaluated must not read as a clean row.
        gone = self.verdict.deselected
        self.state.controls = [c for c in self.state.controls if c.id not in gone]

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport):
        finding = outcomes.finding_of(report)
        if finding is not None:
            self.state.add(finding)
        result = yield
        if finding is not None:
            # Every plugin has seen the report's properties (junitxml, pytest-html, a team's
            # own hooks): from here on the finding answers for them (outcomes.finding_of
            # keeps it beside the report), and the run keeps every report to its end.
            outcomes.release_properties(report)
        return result

    def read_owners(self) -> None:
        """--cis-owner-tag: each finding's owner, from tags read once, at the end of the run on the
        controller. Every writer asks first (cis-report writes before this plugin's sessionfinish)."""
        owner_tag = self.config.getoption("cis_owner_tag", None)
        if not owner_tag or self.state.owners is not None or self.audit.inventory is None:
            return
        from . import owners  # tags are read only when asked

        owners.assign(self.state, self.audit.inventory, owner_tag)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus) -> None:
        audit = self.audit
        if audit.inventory is None:
            return
        self.read_owners()  # before the calls are counted and the snapshot written
        self.state.aws_calls = audit.reader.call_stats()  # calls made while the controls ran count too
        audit.gate.conclude(self.state, run_date(audit.inventory.estate.started), self.verdict.deselected)
        findings_json.write(self.state, audit.options.json_path)
        if audit.options.snapshot_out:
            audit.write_snapshot(audit.options.snapshot_out)
