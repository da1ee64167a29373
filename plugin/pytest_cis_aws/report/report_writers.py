"""Every report beyond the terminal summary and findings JSON, in two plugins.

``ReportLabels`` (``cis-report-labels``), on whichever process runs the tests, labels the
reports (junitxml properties, per-resource fixes), which travel to the controller with them.
``CisReports`` (``cis-report``), on the controller only (plugin/pytest_cis_aws/entry.py),
fills pytest-html's report and writes the requested outputs from the summary state.
"""
from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from ..items import ControlItem
from .. import fixes
from ..outcomes import FAIL, KNOWN, PREFIX, WAIVED, finding_of, shared_property
from . import html, outputs, paths, view

NAME = "cis-report"
LABELS = "cis-report-labels"
# With --junitxml, which writes the teardown report's properties (they come from the item):
# plain names, apart from the cis_* outcome properties (those are on the deciding report only).
JUNIT_PROPERTIES = ("control", "account", "region", "resource")
SHARED_LABELS = ("control", "account", "region")  # values that repeat: one tuple each (outcomes.shared_property)
# The statuses whose finding carries a fix.
FIX_STATUSES = (FAIL, WAIVED, KNOWN)


def default_html(config: pytest.Config) -> None:
    """An audit writes reports/report.html unless told otherwise; self-contained, so it
    opens from a file with no network. Controller only: workers write no report."""
    if not hasattr(config.option, "htmlpath"):
        return
    if not config.option.htmlpath:
        config.option.htmlpath = outputs.DEFAULT_HTML
    config.option.self_contained_html = True


def output_paths(config: pytest.Config) -> list[tuple[str, object]]:
    """Every file this run is asked to write, with the option that names it."""
    get = config.getoption
    return [
        ("--cis-json", get("cis_json")),
        ("--html", get("htmlpath", None)),
        *((output.flag, path) for output, path in outputs.requested(lambda dest: get(dest, None))),
        ("--aws-snapshot-out", get("aws_snapshot_out")),
        ("--junitxml", get("xmlpath", None)),
    ]


def check_output_paths(config: pytest.Config) -> None:
    problem = paths.first_problem(output_paths(config))
    if problem:
        raise pytest.UsageError(problem)


class ReportLabels:
    """On whichever process runs the tests."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        if not config.getoption("xmlpath", None):
            return  # for junitxml only: each of a run's reports would carry them to its end
        for item in items:
            if isinstance(item, ControlItem):
                unit = item.unit
                values = {"control": item.control.id, "account": unit.account, "region": unit.region,
                          "resource": unit.resource}
                item.user_properties.extend(shared_property(name, values[name]) if name in SHARED_LABELS
                                            else (name, values[name]) for name in JUNIT_PROPERTIES)

    # tryfirst: the outermost wrapper, so the audit's verdict (and the gate's WAIVED or KNOWN)
    # is on the report when this looks.
    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        if report.when == "call" and isinstance(item, ControlItem) and _needs_fix(report):
            fix = fixes.build(item.control, item.unit)
            report.user_properties.append((PREFIX + view.FIX_FIELD, fix.to_json()))
        return report


class CisReports:
    """On the controller (or a plain run), where the summary state is."""

    def __init__(self, config: pytest.Config, audit, findings):
        self.config = config
        self.audit = audit
        self.findings = findings  # findings_writer.FindingsWriter: the summary state, and owners read once
        self.written: list[Path] = []  # the outputs this run wrote (report/outputs.py)
        self._html_report = None  # what pytest-html's title hook handed us

    def command_line(self) -> str:
        return " ".join(["pytest", *map(shlex.quote, self.config.invocation_params.args)])

    # -- pytest-html ----------------------------------------------------------------
    @pytest.hookimpl(optionalhook=True)
    def pytest_html_report_title(self, report) -> None:
        # pytest-html asks at the start of the session, before the evidence (and so the
        # number of accounts) is known: the title is set again once the run is over.
        self._html_report = report

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_summary(self, prefix: list, summary: list, postfix: list, session) -> None:
        state = self.findings.state
        history = self.config.getoption("cis_history", None)
        state.history_path = Path(history) if history else None  # the trend's runs
        state.history_keep = outputs.context("", lambda dest: self.config.getoption(dest, None)).history_keep
        report_view = view.build(state, self.command_line())
        if self._html_report is not None:
            self._html_report.title = report_view.title
        prefix.append(html.fragment(report_view, state))

    @pytest.hookimpl(optionalhook=True, tryfirst=True)
    def pytest_html_results_table_row(self, report, cells: list[str]) -> None:
        if html.is_silent_phase(report):
            # pytest-html shows no row for these and would only throw the row away after
            # building it; no cells tells it so at once (pytest-html's documented way to drop a row).
            cells.clear()
            return
        html.escape_test_id(cells, report)

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_html(self, report, data: list) -> None:
        # A passed control has nothing to show under its row ("No log output captured."
        # tens of thousands of times at organisation scale): no log at all.
        if report.when == "call" and report.passed and not report.sections and finding_of(report) is not None:
            data.clear()

    # -- files ----------------------------------------------------------------------
    # trylast: after the audit's own sessionfinish has concluded gating (waivers, baseline,
    # accounts skipped), which the Markdown shows; cis-merge's outputs always had it.
    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.audit.inventory is None:
            return
        self.findings.read_owners()  # --cis-owner-tag: owners before any file is written
        context = outputs.context(self.command_line(), lambda dest: self.config.getoption(dest, None))
        self.written = outputs.write_requested(self.findings.state, lambda dest: self.config.getoption(dest, None), context)


def _needs_fix(report) -> bool:
    """A failing unit, accepted (WAIVED, KNOWN) or not: every one of them carries a fix."""
    status = next((value for name, value in reversed(report.user_properties) if name == PREFIX + "status"), None)
    return status in FIX_STATUSES
