"""Outcomes: what each control test's report says, in a form that survives xdist.

Every decisive report (setup for errors and manual controls, call otherwise) carries
``cis_*`` user properties: plain strings that xdist serialises and every plugin sees while the
report is logged. The controller turns them into the report's finding, then drops them
(:func:`release_properties`): from there on, :func:`finding_of` answers for the report.
"""
from __future__ import annotations

import json
import sys
import weakref

import pytest

from .aws.errors import AwsCallError
from .controls import MANUAL_MARK, NOT_APPLICABLE_MARK, ControlSpec
from .collectors.base import Unevaluable, Unit
from .finding import PREFIX, Finding
from .registry import Control

PASS, FAIL, ERROR, MANUAL = "PASS", "FAIL", "ERROR", "MANUAL"
# The control does not apply to the unit (v7.0.0's 2.1.x in a member account): never counted
# as passed or failed, shown with its reason, and it never fails the run (a pytest skip).
NOT_APPLICABLE = "NOT_APPLICABLE"
# A FAIL accepted by a waiver (--cis-waivers) or already in the baseline (--cis-baseline):
# reported as a non-strict xfail, so it does not fail the run (plugin/pytest_cis_aws/gating/gate.py).
WAIVED, KNOWN = "WAIVED", "KNOWN"
FIELDS = ("control", "title", "level", "section", "check", "assessment",
          "account", "region", "resource", "label", "status", "message")
# The evidence a control test recorded (pytest_cis_aws.controls.evidence), as JSON text.
EVIDENCE = "evidence"


def unit_error(spec: ControlSpec, unit: Unit) -> AwsCallError | None:
    """The AWS error that prevents evaluating ``unit`` for this control, if any."""
    if isinstance(unit, Unevaluable):
        return unit.error
    for name, error in unit.errors.items():
        if not spec.reads or name in spec.reads:
            return error
    return None


def failure_message(excinfo: pytest.ExceptionInfo) -> str:
    """The control's own sentence, without pytest's assertion introspection."""
    text = str(excinfo.value)
    # Interned: the report's failure text (pytest_internals.failure_repr) holds the same
    # line, and every report is kept to the run's end, so the sentence is kept once.
    return sys.intern(text.split("\nassert ")[0].strip() or "the control failed")


def classify(report: pytest.TestReport, call: pytest.CallInfo) -> tuple[str, str] | None:
    """(status, message) when this report decides the unit's outcome, else None."""
    if report.when == "setup":
        if report.skipped:
            return skipped(call.excinfo)
        if report.failed:
            return ERROR, _error_message(call.excinfo)
        return None
    if report.when == "call":
        if report.passed:
            return PASS, ""
        if report.skipped:
            return skipped(call.excinfo)
        if call.excinfo is not None and call.excinfo.errisinstance(AssertionError):
            return FAIL, failure_message(call.excinfo)
        return ERROR, _error_message(call.excinfo)
    return None


def skipped(excinfo: pytest.ExceptionInfo | None) -> tuple[str, str]:
    """A skipped control: NOT_APPLICABLE with its reason, or MANUAL with what to verify."""
    reason = str(getattr(excinfo.value, "msg", "") if excinfo else "")
    if reason.startswith(NOT_APPLICABLE_MARK):
        return NOT_APPLICABLE, reason.removeprefix(NOT_APPLICABLE_MARK)
    return MANUAL, reason.removeprefix(MANUAL_MARK)


def _error_message(excinfo: pytest.ExceptionInfo | None) -> str:
    if excinfo is None:
        return "the control could not be evaluated"
    if excinfo.errisinstance(AwsCallError):
        return str(excinfo.value)
    return f"the control could not be evaluated: {excinfo.typename}: {excinfo.value}"


def properties(control: Control, unit: Unit, status: str, message: str,
               evidence: list[dict] = ()) -> list[tuple[str, str]]:
    values = {
        "control": control.id,
        "title": control.title,
        "level": str(control.level),
        "section": control.section,
        # What the finding is about whatever the version: the check and its changed rules.
        "check": control.evaluation,
        # The benchmark's own Automated/Manual label, shown beside the verdict.
        "assessment": control.assessment,
        "account": unit.account,
        "region": unit.region,
        "resource": unit.resource,
        "label": unit.label,
        "status": status,
        "message": message,
    }
    found = [shared_property(PREFIX + name, values[name]) if name in SHARED_FIELDS else (PREFIX + name, values[name])
             for name in FIELDS]
    # Every status keeps what the test recorded: a manual control's facts, the reason a
    # control does not apply, the fields a verdict rests on.
    if evidence:
        found.append((PREFIX + EVIDENCE, json.dumps(list(evidence), sort_keys=True, default=_json_value)))
    return found


# Fields whose values repeat over a run's units (the control's, the account, the region, the
# status): one (name, value) tuple each, shared by every report carrying it. A run keeps every
# report to its end; at organisation scale, tens of megabytes of identical tuples otherwise.
# The table grows with the estate's distinct values (controls, accounts, regions), not its units.
SHARED_FIELDS = frozenset(("control", "title", "level", "section", "check", "assessment", "account", "region",
                           "status"))
_SHARED: dict[tuple[str, str], tuple[str, str]] = {}


def shared_property(name: str, value: str) -> tuple[str, str]:
    """The one (name, value) tuple for a value that repeats (see SHARED_FIELDS)."""
    pair = (name, value)
    return _SHARED.setdefault(pair, pair)


def _json_value(value):
    """Evidence values JSON lacks: dates as ISO 8601 (as AWS writes them), anything else as text."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


# Reports -> their findings: several hooks ask about every report.
_FINDINGS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def finding_of(report) -> Finding | None:
    """The finding a report carries, or None for reports that decide nothing."""
    try:
        return _FINDINGS[report]
    except (KeyError, TypeError):
        pass
    found = _finding_of(report)
    if found is not None:
        try:
            _FINDINGS[report] = found
        except TypeError:  # not weakly referable: no cache
            pass
    return found


def release_properties(report) -> None:
    """Drop a deciding report's properties once its finding is known (finding_of keeps
    answering for the report): at organisation scale they are a tenth of a run's memory,
    the evidence and fix as JSON text beside the finding that holds them parsed."""
    if report in _FINDINGS:
        report.user_properties.clear()


def _finding_of(report) -> Finding | None:
    # Collection reports (a module that failed to import) carry no user properties.
    found = getattr(report, "user_properties", ())
    # Asked of every report by several hooks: the finding's properties come last (they are
    # added after the test's own), so most reports are answered without a look at the rest.
    if not found or not str(found[-1][0]).startswith(PREFIX):
        return None
    return Finding.from_properties(found, report.nodeid)
