"""pytest wiring: options, hooks and the audit object. The pytest11 entry point.

pytest loads this module on every run in an environment where the package is installed,
auditing or not, so it stays light: it adds options and markers, and imports the audit, AWS
(boto3), the registry's YAML and the report only in pytest_configure, once it knows the run
collects our controls (as pytest-xdist imports its controller only when tests are
distributed). tests/compat/test_light_load.py holds it to that.
"""
from __future__ import annotations

import sys

import pytest

from . import audit_options, hookspecs, locate
from .benchmarks import SECTION_MARKERS

AUDIT = "cis-audit"  # the audit plugin's name (audit.NAME), here so a run that audits nothing need not import it


def pytest_addoption(parser: pytest.Parser) -> None:
    audit_options.addoptions(parser)


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def audits_controls(config: pytest.Config) -> bool:
    """The audit runs only when our controls are collected (not for tests/, nor a user's project)."""
    return locate.audits_controls(config)


@pytest.hookimpl(tryfirst=True)  # before pytest-html's, which reads the report path we default
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cis(spec): a CIS AWS Foundations control (set by pytest_cis_aws.controls.control)")
    for title, marker in SECTION_MARKERS.items():
        config.addinivalue_line("markers", f"{marker}: the {title} section's controls, whatever its number in the version")
    for level in (1, 2):
        config.addinivalue_line("markers", f"level{level}: CIS Level {level} controls")
    locate.collect_installed_when_auditing(config)
    if not audits_controls(config):
        return
    from . import control_selection, findings_writer, gathering, gc_tuning, handover, outcome_decisions
    from .audit import NAME, CisAudit
    from .custom import custom_controls as custom
    from .gating import run_verdict
    from .report import console
    from .report import report_writers as reports
    from .roles import is_worker, uses_xdist
    from .runner import NAME as RUNNER, ControlRunner
    from .summary import SummaryState

    parsed = audit_options.parse(config)
    if config.option.tbstyle == "auto":
        # A failed control is a finding, not a bug: the short summary's one line per
        # failure (its message names the resource) reads better than tracebacks.
        config.option.tbstyle = "no"
    # A team's own controls (pytest_cis_aws.api), found beside the CIS ones: their metadata is part
    # of what the run selects, so it is read (and checked) before anything starts.
    own = custom.discover(config, parsed.benchmark)
    audit = CisAudit(config, parsed, own.controls)
    # Each process's plugins, decided here once (as pytest-xdist registers its DSession only on
    # the controller, and pytest-html its report only where workerinput is absent): the
    # controller (or a plain run) gathers the evidence and writes every file; an xdist worker
    # loads the controller's evidence and runs tests; both select, collect and decide outcomes.
    # Registered in this order: pytest calls plain hooks of later plugins first.
    worker = is_worker(config)
    register = config.pluginmanager.register
    register(audit, NAME)
    register(control_selection.ControlSelection(audit), control_selection.NAME)
    register(outcome_decisions.OutcomeDecisions(audit), outcome_decisions.NAME)
    if worker:
        register(handover.ControllerSnapshot(config, audit), handover.WORKER_NAME)
    else:
        state = SummaryState(parsed.benchmark, audit.selected, level=parsed.level)
        verdict = run_verdict.RunVerdict(audit, state)
        findings = findings_writer.FindingsWriter(config, audit, state, verdict)
        hand_over = handover.SnapshotHandOver() if uses_xdist(config) else None
        register(gathering.EvidenceGathering(config, audit, state, hand_over), gathering.NAME)
        if hand_over is not None:
            register(hand_over, handover.NAME)
        register(findings, findings_writer.NAME)
    custom.register(config, own, on_worker=worker)
    if not worker:
        register(verdict, run_verdict.NAME)
    register(gc_tuning.GcTuning(config), gc_tuning.NAME)
    register(ControlRunner(config), RUNNER)
    if not worker:
        register(console.ConsolePlugin(config, audit, state, console.group_failures_by_default(config)), console.NAME)
        reports.default_html(config)
        reports.check_output_paths(config)  # before any AWS call, not after the audit
    register(reports.ReportLabels(), reports.LABELS)
    if not worker:
        register(reports.CisReports(config, audit, findings), reports.NAME)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A team's own control is declared through pytest_cis_aws.api: if nothing imported it,
    # no item can be one, and a run that audits nothing imports nothing more to find out.
    if config.pluginmanager.has_plugin(AUDIT) or "pytest_cis_aws.custom.declare" not in sys.modules:
        return
    from .custom import custom_controls as custom

    custom.refuse_without_the_audit(items)  # the audit is dormant: our controls are not collected
