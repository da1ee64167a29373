"""Every use of pytest's private API, in this one module.

Each one is here because pytest offers no public way to do it at the same cost; everything
else in the package uses pytest's public API only. ``tests/compat/test_pytest_internals.py``
exercises each of them against the installed pytest and fails with a message naming that
pytest's version when one changes, so a new pytest breaks one known test, not an audit.

* :func:`failure_repr` builds a report's structured failure (the classes
  ``ExceptionInfo.getrepr`` returns, that ``TestReport.longrepr`` holds and xdist
  serialises) without walking and formatting the whole traceback.
* :func:`fixture_info` reads the fixture closure pytest computed for a Function, so a
  ControlItem made in its place does not compute it again (once per unit at scale).
* :func:`release_request` drops a test's fixture request once it has run, as pytest's own
  protocol does (``runner.py`` runs control tests' protocol itself).
* :func:`release_ran_item` lets a control item that has run keep only its identity: the
  per-item state pytest built to select and run it is dropped (a run keeps every item to
  its end; at organisation scale, hundreds of megabytes).
* :data:`PHASE_PLUGINS` names pytest's built-in plugins that wrap every test phase
  (output capture, log capture, the unraisable and thread exception checks): the names
  they are registered under are not documented.
* :func:`import_test_module` imports a test file exactly as pytest's collection will
  (same module name, same import mode), so the controller's early scan of the control
  files and pytest's own collection share one module object.
"""
from __future__ import annotations

import inspect
import sys
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType, ModuleType

import pytest
from _pytest._code.code import ReprEntry, ReprExceptionInfo, ReprFileLocation, ReprTraceback
from _pytest.pathlib import import_path

PYTEST_VERSION = pytest.__version__

# Registered names of the per-phase plugins a control test never needs (runner.py).
PHASE_PLUGINS = ("capturemanager", "logging-plugin", "unraisableexception", "threadexception")

# pytest 8.1 added consider_namespace_packages to import_path (a required keyword since).
_NAMESPACE_KEYWORD = "consider_namespace_packages" in inspect.signature(import_path).parameters


def failure_repr(excinfo: pytest.ExceptionInfo[BaseException]) -> ReprExceptionInfo:
    """What ``excinfo.getrepr(style="value", tbfilter=False, chain=False)`` returns, built directly."""
    tb = excinfo.tb
    while tb.tb_next is not None:  # where the verdict was raised (the test's assert)
        tb = tb.tb_next
    crash = ReprFileLocation(tb.tb_frame.f_code.co_filename, tb.tb_lineno, excinfo.exconly(tryshort=True))
    # Interned, as the finding's message is (outcomes.failure_message): the sentence is kept once.
    entry = ReprEntry([sys.intern(line) for line in str(excinfo.value).split("\n")], None, None, None, "value")
    return ReprExceptionInfo(reprtraceback=ReprTraceback([entry], None, "value"), reprcrash=crash)


def fixture_info(function: pytest.Function):
    """The fixture closure pytest computed for ``function`` (its ``FuncFixtureInfo``)."""
    return function._fixtureinfo


def release_request(item: pytest.Function) -> None:
    """What pytest's ``runtestprotocol`` does once a test has run: its fixture request and
    values go (a run keeps every item to its end; at organisation scale, tens of megabytes)."""
    item._request = False
    item.funcargs = None


def release_ran_item(item: pytest.Function) -> None:
    """Once its protocol is over, an item keeps its name, node id, location and parent (the
    terminal's progress, the cache plugins and xdist read those) and forgets what it needed to
    be selected and run: its parameters, keywords, markers, stash and recorded sections. Its
    reports carry copies of all a writer needs.

    Each attribute is replaced, never deleted: deleting one turns the instance's key-sharing
    dict into a dict of its own, four times the size, on every item. Replacing the keywords
    breaks the item's reference cycle through them, so what it held is freed at once by
    reference counting, without a garbage collection over the whole run."""
    callspec = getattr(item, "callspec", None)
    if callspec is not None:
        item.callspec = _empty_callspec(type(callspec))
    item.keywords = _RELEASED_KEYWORDS
    item.stash = pytest.Stash()
    # Empty, read-only and shared: nothing is added to an item that has run.
    item.own_markers = item.user_properties = item._report_sections = ()
    item.extra_keyword_matches = frozenset()


# What a released item answers for its keywords: none (a read-only, shared empty mapping).
_RELEASED_KEYWORDS = MappingProxyType({})


@lru_cache(maxsize=None)
def _empty_callspec(kind: type):
    """One parameter set without parameters, shared by every released item (pytest 9 calls
    the class CallSpec, pytest 8 CallSpec2; every field of both has a default)."""
    return kind()


def renew_request(item: pytest.Function) -> None:
    """What ``runtestprotocol`` does first: a test run again (a rerun plugin) gets a new request."""
    if not item._request:
        item._initrequest()


def phase_plugins(manager: pytest.PytestPluginManager) -> list:
    """The per-phase plugins registered in this run (any of them may be disabled with -p no:...)."""
    return [plugin for name in PHASE_PLUGINS if (plugin := manager.get_plugin(name)) is not None]


def import_test_module(config: pytest.Config, path: Path) -> ModuleType:
    """Import a test file under the name pytest's collection gives it, in the run's import mode.

    pytest's own import of the same file then finds this module in ``sys.modules`` (prepend,
    append and importlib modes all look there first), so a file is never imported twice
    under two names. Raises whatever the import raises; pytest reports it when it collects.
    """
    kwargs = {"mode": config.getoption("importmode"), "root": config.rootpath}
    if _NAMESPACE_KEYWORD:
        kwargs["consider_namespace_packages"] = config.getini("consider_namespace_packages")
    return import_path(path, **kwargs)
