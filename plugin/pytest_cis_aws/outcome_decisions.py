"""Each control test's outcome, decided where it runs: the ``cis-outcomes`` plugin, on every process.

A unit that could not be evaluated errors in setup; the deciding report gets its ``cis_*``
properties (outcomes.py), and the gate makes a waived or known failure a non-strict xfail
there, so terminal, junitxml, pytest-html and xdist all agree with the findings.
"""
from __future__ import annotations

import pytest

from . import controls as control_decl
from . import items as control_items
from . import outcomes
from .gating.gate import run_date

NAME = "cis-outcomes"


class OutcomeDecisions:
    def __init__(self, audit):
        self.audit = audit

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if not isinstance(item, control_items.ControlItem):
            return
        spec = control_decl.spec_of(item)
        error = outcomes.unit_error(spec, item.unit)
        if error is not None:
            raise error
        # A manual control's body runs: it records its facts, and the item reports MANUAL.

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        if isinstance(item, control_items.ControlItem):
            decided = outcomes.classify(report, call)
            if decided == (outcomes.PASS, ""):
                decided = (outcomes.PASS, item.pass_message)  # what satisfied it, if the test said
            if decided is not None:
                found = outcomes.properties(item.control, item.unit, *decided, evidence=item.evidence)
                # A waived or known failure becomes a non-strict xfail here, where the test ran.
                audit = self.audit
                report.user_properties.extend(audit.gate.apply(report, found, run_date(audit.inventory.estate.started)))
            if report.when == "call":
                item.forget_recorded()
        return report

    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(self, report, config):
        finding = outcomes.finding_of(report)
        if finding and finding.status == outcomes.ERROR and report.when == "call":
            # An AWS error while the check ran: an error, not a failed control.
            return "error", "E", "ERROR"
        if finding and finding.status == outcomes.MANUAL:
            return "skipped", "M", "MANUAL"
        if finding and finding.status == outcomes.NOT_APPLICABLE:
            return "skipped", "N", "NOT APPLICABLE"
        if finding and finding.status in (outcomes.WAIVED, outcomes.KNOWN):
            return "xfailed", "x", finding.status
        return None
