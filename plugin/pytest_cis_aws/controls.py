"""How a control test is declared, and what it may ask while it runs.

    @control("1.10", units=iam.console_users, reads=("credentials",))
    def test_1_10_mfa_for_console_users(user):
        evidence("iam:GetCredentialReport", mfa_active=user.mfa_active)
        assert user.mfa_active, f"IAM user {user.name} has a console password and no MFA device"

The first argument names the **check**: its v2.0.0 control id, or, for a check v2.0.0
lacks, a short name ("rds-multi-az"; the function is then ``test_rds_multi_az``). Each
benchmark version maps its controls onto checks (``plugin/pytest_cis_aws/registry``); under a version
that lacks the check the test has no items. ``units`` is a unit source: a function from
the Inventory to the units the control is about. ``reads`` names the evidence fields the
control uses; if AWS refused any of them for a unit, that unit is an ERROR before the test
body runs. A control that declares no ``reads`` is an ERROR when *any* of its unit's
evidence is missing.

While a control test runs, :func:`evidence` records the AWS fields that decided its
verdict, :func:`passed_because` names what satisfied it (a PASS finding's message), and :func:`changed` tells whether the selected benchmark version applies one of
its changed rules (docs/VERSIONS.md) to this check.

A control may also decide that it does not apply to its unit (:func:`not_applicable`: 2.1.1
of v7.0.0 in a member account), and a manual control's test body runs too: it records the
facts a person needs with :func:`evidence`, and the outcome is MANUAL once it returns.
"""
from __future__ import annotations

import contextvars
import inspect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import pytest

from .collectors.base import UnitSource
from .naming import named_check_test, test_prefix
from .registry import Control

if TYPE_CHECKING:  # options imports boto3: not needed to declare a control
    from .audit_options import AuditOptions

MARKER = "cis"


@dataclass(frozen=True)
class ControlSpec:
    """What the ``cis`` marker carries for one control test."""

    check: str
    units: UnitSource
    reads: tuple[str, ...]
    argname: str
    manual: bool

    @property
    def named(self) -> bool:
        """A check v2.0.0 lacks, known by a name rather than an id."""
        return not self.check[:1].isdigit()

    def slug(self, function_name: str) -> str:
        """What the function's name says it checks, after ``test_<v2.0.0 id>_``."""
        return function_name.removeprefix("test_" if self.named else test_prefix(self.check))

    def expected_name(self) -> str | None:
        """The function name a check known by a name must have (None: any test_<id>_<what>)."""
        return named_check_test(self.check) if self.named else None


def control(check: str, *, units: UnitSource, reads: tuple[str, ...] = (), manual: bool = False) -> Callable:
    """Declare a test function as the check ``check`` (a v2.0.0 id, or a name)."""

    def decorate(fn: Callable) -> Callable:
        params = list(inspect.signature(fn).parameters)
        if len(params) != 1:
            raise TypeError(f"{fn.__name__} must take exactly one argument: the unit it evaluates")
        spec = ControlSpec(check, units, tuple(reads), params[0], manual)
        return pytest.mark.cis(spec)(fn)

    return decorate


def spec_of_function(fn: Any) -> ControlSpec | None:
    for mark in getattr(fn, "pytestmark", ()):
        if mark.name == MARKER and mark.args and isinstance(mark.args[0], ControlSpec):
            return mark.args[0]
    return None


_SPEC = pytest.StashKey["ControlSpec | None"]()


def spec_of(item_or_definition) -> ControlSpec | None:
    # Asked several times per test by several hooks: looking markers up walks the node
    # chain each time, so the answer is kept on the node.
    stash = item_or_definition.stash
    if _SPEC not in stash:
        marker = item_or_definition.get_closest_marker(MARKER)
        found = marker.args[0] if marker is not None and marker.args else None
        stash[_SPEC] = found if isinstance(found, ControlSpec) else None
    return stash[_SPEC]


# The skip reasons that carry a verdict other than a pass or a failure (plugin/pytest_cis_aws/outcomes.py).
MANUAL_MARK = "MANUAL: "
NOT_APPLICABLE_MARK = "NOT_APPLICABLE: "


def manual(guidance: str) -> None:
    """End a manual control's test: a person must check ``guidance`` by hand.

    A manual control's body may call it with guidance that names the facts it recorded;
    a body that returns without calling it ends with the catalogue's ``manual_check``.
    """
    pytest.skip(MANUAL_MARK + guidance)


def not_applicable(reason: str) -> None:
    """End the test: the control does not apply to this unit, for ``reason`` (one sentence).

    Never a pass: the finding is NOT_APPLICABLE, outside the score, shown with its reason.
    """
    pytest.skip(NOT_APPLICABLE_MARK + reason)


# -- while a control test runs ----------------------------------------------------------
# The run's options, kept on the config by the audit: a control with a threshold option reads
# it from the Running context below (a test takes exactly one argument, its unit).
OPTIONS = pytest.StashKey["AuditOptions"]()


@dataclass
class Running:
    """The control being evaluated, the run's options, and what its test has recorded so far."""

    control: Control
    options: "AuditOptions | None" = None
    evidence: list[dict] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)  # what satisfied it: a PASS finding's message


_running: contextvars.ContextVar[Running | None] = contextvars.ContextVar("cis_running_control", default=None)


def running() -> Running:
    found = _running.get()
    if found is None:
        raise RuntimeError("only a control test, while it runs, can record evidence or ask for its rules")
    return found


def start(state: Running) -> contextvars.Token:
    return _running.set(state)


def stop(token: contextvars.Token) -> None:
    _running.reset(token)


def evidence(source: str, **fields: Any) -> None:
    """Record the AWS fields that decided this verdict, and the call they came from.

    ``source`` is the API call as an IAM action ("iam:GetAccountPasswordPolicy"); ``fields``
    are the few deciding values, JSON-serialisable. They travel with the finding into every
    output, so an auditor can accept the verdict without re-running anything.
    """
    running().evidence.append({"source": source, "fields": fields})


def passed_because(sentence: str) -> None:
    """Name what satisfied the control (the trail, the monitoring chain...): the PASS finding
    says it. Call it once the assertions hold."""
    running().passed.append(sentence)


def audit_options() -> "AuditOptions":
    """The running audit's options, for a control with a threshold option (--cis-root-use-days)."""
    options = running().options
    if options is None:
        raise RuntimeError("no CIS audit is running: its options are not known")
    return options


def changed(rule: str) -> bool:
    """Whether the selected benchmark version evaluates this check by its changed rule ``rule``
    ("C1".."C7", docs/VERSIONS.md), rather than by v2.0.0's."""
    return rule in running().control.changed
