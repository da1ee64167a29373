"""The ``cis-console`` plugin: a CI log that ends with the answer, readable at any size.

* The compliance summary (totals, then Section | Title | Failed | Passed) is the last thing
  the run prints: after pytest's failure sections, its short test summary and its closing
  "N failed, M passed in T" line.
* The short test summary groups failing (and erroring) control tests per control: a count,
  how many accounts, and a few examples each, instead of one ``FAILED`` line per failing
  resource. A user who chooses what ``-r`` shows gets pytest's own lines (``-rf``: every
  failing test).
* Any ``--tb`` style stays fast at scale (see :meth:`ConsolePlugin.pytest_terminal_summary`).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ..finding import Finding
from ..outcomes import finding_of
from . import terminal

NAME = "cis-console"
REPORTS = "cis-report"  # report/report_writers.py's name, which keeps the extra outputs it wrote
# pytest's own default for -r: failures and errors, one line each.
PYTEST_DEFAULT_REPORTCHARS = "fE"
# What the grouped summary shows in pytest's order for "fE": (stats category, word).
GROUPED = (("failed", "FAILED"), ("error", "ERROR"))
EXAMPLES_PER_CONTROL = 3


def group_failures_by_default(config: pytest.Config) -> bool:
    """Take the short summary's FAILED lines over, unless the user chose what -r shows.

    Runs in our pytest_configure, before pytest's terminal reporter reads the option. An
    explicit -r with exactly pytest's default letters ("fE") reads as the default.
    """
    if config.getoption("reportchars", PYTEST_DEFAULT_REPORTCHARS) != PYTEST_DEFAULT_REPORTCHARS:
        return False
    config.option.reportchars = ""  # pytest's own -r N: its short summary prints nothing
    return True


class ConsolePlugin:
    """On the controller (or a plain run), where the summary state is."""

    def __init__(self, config: pytest.Config, audit, state, grouped: bool):
        self.config = config
        self.audit = audit
        self.state = state  # the summary state (findings_writer.py)
        self.grouped = grouped

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter):
        # For each failure, pytest's failure sections (any --tb but no and line) look for the
        # test's captured teardown output by scanning every passed setup and teardown report
        # of the run: quadratic, hours at 20,000 failures. A report without captured output
        # has nothing to show there, so those leave the list first; what is printed is the
        # same. ("" is the terminal reporter's stats category of passed setup/teardown reports.)
        stats = terminalreporter.stats
        if stats.get(""):
            stats[""] = [report for report in stats[""] if report.sections]
        try:
            return (yield)
        finally:
            # After pytest's short test summary.
            if self.grouped:
                self._grouped_summary(terminalreporter)

    def _grouped_summary(self, terminalreporter) -> None:
        order = {control.id: n for n, control in enumerate(self.state.controls)}
        sections = [(word, terminalreporter.stats.get(category, [])) for category, word in GROUPED]
        if not any(reports for _, reports in sections):
            return
        terminalreporter.write_sep("=", "short test summary per control (-rf, -rE: every test)", cyan=True, bold=True)
        for word, reports in sections:
            groups: dict[str, list[tuple[object, Finding]]] = {}
            for report in reports:
                finding = finding_of(report)
                if finding is None:  # not a control's unit: pytest's own line
                    self._line(terminalreporter, word, f"{report.nodeid} - {_crash_message(report)}")
                else:
                    groups.setdefault(finding.control, []).append((report, finding))
            for control_id in sorted(groups, key=lambda c: order.get(c, len(order))):
                found = groups[control_id]
                accounts = len({finding.account for _, finding in found})
                self._line(terminalreporter, word, f"{control_id} {found[0][1].title}: {len(found)} in "
                                                   f"{accounts} account{'s' if accounts != 1 else ''}")
                for report, finding in found[:EXAMPLES_PER_CONTROL]:
                    terminalreporter.write_line(f"    {report.nodeid} - {finding.message}")
                if len(found) > EXAMPLES_PER_CONTROL:
                    terminalreporter.write_line(f"    ... and {len(found) - EXAMPLES_PER_CONTROL} more")

    @staticmethod
    def _line(terminalreporter, word: str, text: str) -> None:
        terminalreporter.write(word, red=True, bold=True)
        terminalreporter.write_line(f" {text}")

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session):
        # Outermost: what follows the yield comes after pytest's own closing summaries.
        result = yield
        if self.audit.inventory is not None and not self.config.getoption("no_summary"):
            self.print_compliance_summary()
        return result

    def print_compliance_summary(self) -> None:
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None:
            return
        state = self.state
        reporter.write_sep("=", "CIS compliance summary")
        for line in terminal.lines(state, self.config.get_terminal_writer().fullwidth):
            reporter.write_line(line)
        stats = state.aws_calls
        reporter.write_line(f"AWS calls: {stats['calls']} ({stats['distinct']} distinct, {stats['requests']} requests)")
        reporter.write_line("Files written: " + ", ".join(map(str, self.files_written())))

    def files_written(self) -> list[Path]:
        """Every file the run wrote, in the order a reader wants them: findings, HTML, the
        extra outputs (report/outputs.py), the evidence snapshot."""
        options = self.audit.options
        written = [options.json_path]
        html_path = self.config.getoption("htmlpath", None)
        if html_path and Path(html_path).is_file():  # pytest-html's, written just before
            written.append(Path(html_path))
        reports = self.config.pluginmanager.get_plugin(REPORTS)
        written += reports.written if reports is not None else []
        if options.snapshot_out:
            written.append(options.snapshot_out)
        return written


def _crash_message(report) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr or "")
    return text.splitlines()[0] if text else ""
