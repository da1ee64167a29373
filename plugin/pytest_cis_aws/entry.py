"""pytest wiring: options, hooks and the audit object. Loaded by the root conftest.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from . import hookspecs, options
from .audit import NAME, CisAudit
from .custom import plugin as custom
from .gating.plugin import NAME as GATING, GatingPlugin
from .report import console
from .report import plugin as reports
from .runner import NAME as RUNNER, ControlRunner

# The controls' package, by name. It is not imported here: after a non-editable install an
# early import would bind the name to site-packages, and pytest would then refuse the
# checkout's test modules as an import mismatch.
CHECKS_PACKAGE = "cis_checks"


def pytest_addoption(parser: pytest.Parser) -> None:
    options.addoptions(parser)


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def audits_controls(config: pytest.Config) -> bool:
    """The audit runs only when the controls in cis_checks/ are collected (not for tests/)."""
    for arg in config.args:
        if config.option.pyargs and str(arg).split("::")[0].split(".")[0] == CHECKS_PACKAGE:
            return True  # pytest --pyargs cis_checks: the installed controls, from anywhere
        path = Path(str(arg).split("::")[0]).resolve()
        # By name, not by location: after `pip install .` the imported cis_checks lives in
        # site-packages while the checkout's copy is what the user points pytest at.
        if CHECKS_PACKAGE in path.parts or (path / CHECKS_PACKAGE / "__init__.py").is_file():
            return True
    return False


@pytest.hookimpl(tryfirst=True)  # before pytest-html's, which reads the report path we default
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cis(spec): a CIS AWS Foundations control (set by pytest_cis_aws.controls.control)")
    for marker, meaning in (
        ("iam", "section 1 controls: Identity and Access Management"),
        ("storage", "section 2 controls: Storage"),
        ("logging", "section 3 controls: Logging"),
        ("monitoring", "section 4 controls: Monitoring"),
        ("networking", "section 5 controls: Networking"),
        ("level1", "CIS Level 1 controls"),
        ("level2", "CIS Level 2 controls"),
    ):
        config.addinivalue_line("markers", f"{marker}: {meaning}")
    if not audits_controls(config):
        return
    parsed = options.parse(config)
    if config.option.tbstyle == "auto":
        # A failed control is a finding, not a bug: the short summary's one line per
        # failure (its message names the resource) reads better than tracebacks.
        config.option.tbstyle = "no"
    # A team's own controls (pytest_cis_aws.api), found beside the CIS ones: their metadata is part
    # of what the run selects, so it is read (and checked) before anything starts.
    own = custom.discover(config, parsed.benchmark)
    audit = CisAudit(config, parsed, own.controls)
    config.pluginmanager.register(audit, NAME)
    custom.register(config, own)
    config.pluginmanager.register(GatingPlugin(config, audit), GATING)
    config.pluginmanager.register(ControlRunner(config), RUNNER)
    config.pluginmanager.register(console.ConsolePlugin(config, audit, console.group_failures_by_default(config)), console.NAME)
    reports.default_html(config)
    reports.check_output_paths(config)  # before any AWS call, not after the audit
    config.pluginmanager.register(reports.CisReports(config), reports.NAME)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.pluginmanager.has_plugin(NAME):  # the audit is dormant: cis_checks/ is not collected
        custom.refuse_without_the_audit(items)
