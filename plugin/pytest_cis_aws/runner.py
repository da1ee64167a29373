"""How a control test runs: pytest's own protocol, without the per-phase work a control never needs.

A control test reads evidence gathered before the session and makes one assertion. It prints
nothing, logs nothing and leaves no threads or unraisable exceptions behind. pytest's default
protocol still starts and reads output capture, log capture and two exception checks around
each of a test's three phases; at organisation scale (tens of thousands of units) that is a
large share of the run for nothing.

So for control tests the ``cis-runner`` plugin runs the protocol itself, exactly as pytest
documents it for ``pytest_runtest_protocol``: logstart, then setup / call / teardown, each
wrapped in a ``CallInfo``, made into a report by ``pytest_runtest_makereport``, logged with
``pytest_runtest_logreport`` (and ``pytest_exception_interact`` where pytest would call it),
then logfinish. Every report is a native report seen by every plugin (terminal, junitxml,
pytest-html, xdist). Only the *phase* hooks (``pytest_runtest_setup``, ``_call``,
``_teardown``) skip the plugins in ``UNUSED_BY_CONTROLS``; everything else, including fixture
setup, skip/xfail marks and the audit's own setup, runs as usual. Other tests in the same
session run pytest's default protocol untouched.
"""
from __future__ import annotations

import bdb

import pytest

from . import pytest_internals
from .items import ControlItem

NAME = "cis-runner"

# The plugins a control test has no use for, in its phases: output capture, log capture, and
# the unraisable-exception and thread-exception checks (both still run once at the end of the
# session). pytest does not document their names: they live in pytest_internals.
UNUSED_BY_CONTROLS = pytest_internals.PHASE_PLUGINS
PHASES = ("setup", "call", "teardown")


class ControlRunner:
    def __init__(self, config: pytest.Config):
        self.config = config
        self._phase_hooks = None
        # Exceptions pytest lets through rather than report (as runner.get_reraise_exceptions).
        self._reraise: tuple[type[BaseException], ...] = (pytest.exit.Exception,)
        if not config.getoption("usepdb", False):
            self._reraise += (KeyboardInterrupt,)

    def phase_hooks(self) -> dict:
        """The three phase hooks, minus the plugins controls do not use (pluggy's public subset callers)."""
        if self._phase_hooks is None:
            manager = self.config.pluginmanager
            unused = pytest_internals.phase_plugins(manager)
            self._phase_hooks = {
                when: manager.subset_hook_caller(f"pytest_runtest_{when}", remove_plugins=unused) for when in PHASES
            }
        return self._phase_hooks

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None):
        if not isinstance(item, ControlItem) or self.config.getoption("setuponly") or self.config.getoption("setupshow"):
            return None  # pytest's default protocol (which also shows fixtures for --setup-show/--setup-only)
        hooks = self.phase_hooks()
        ihook = item.ihook  # looked up once: pytest computes it on every access
        pytest_internals.renew_request(item)
        ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
        setup = self._run_phase(item, ihook, "setup", lambda: hooks["setup"](item=item))
        if setup.passed:
            self._run_phase(item, ihook, "call", lambda: hooks["call"](item=item))
        if item.session.shouldfail or item.session.shouldstop:
            nextitem = None  # tear everything down, as pytest does
        self._run_phase(item, ihook, "teardown", lambda: hooks["teardown"](item=item, nextitem=nextitem))
        # As pytest's own protocol does: the test's fixture request and values go once it has run.
        pytest_internals.release_request(item)
        ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
        # Everything a writer needs is on the reports now: the item keeps its identity only.
        item.release()
        return True

    def _run_phase(self, item: pytest.Item, ihook, when: str, run) -> pytest.TestReport:
        call = pytest.CallInfo.from_call(run, when=when, reraise=self._reraise)
        report = ihook.pytest_runtest_makereport(item=item, call=call)
        ihook.pytest_runtest_logreport(report=report)
        if _interactive(call, report):
            ihook.pytest_exception_interact(node=item, call=call, report=report)
        return report


def _interactive(call: pytest.CallInfo, report: pytest.TestReport) -> bool:
    """pytest's rule for when an exception is offered to --pdb and friends."""
    if call.excinfo is None or hasattr(report, "wasxfail"):
        return False
    return not isinstance(call.excinfo.value, (pytest.skip.Exception, bdb.BdbQuit))
