"""How a control test is declared, and how it is parametrised over its units.

    @control("1.10", units=iam.console_users, reads=("credentials",))
    def test_1_10_mfa_for_console_users(user):
        assert user.mfa_active, f"IAM user {user.name} has a console password and no MFA device"

``units`` is a unit source: a function from the Inventory to the units the control is
about. ``reads`` names the evidence fields the control uses; if AWS refused any of
them for a unit, that unit is an ERROR before the test body runs. A control that
declares no ``reads`` is an ERROR when *any* of its unit's evidence is missing.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable

import pytest

from .evidence.base import Unit, UnitSource

MARKER = "cis"


@dataclass(frozen=True)
class ControlSpec:
    """What the ``cis`` marker carries for one control test."""

    id: str
    units: UnitSource
    reads: tuple[str, ...]
    argname: str
    manual: bool


def control(control_id: str, *, units: UnitSource, reads: tuple[str, ...] = (), manual: bool = False) -> Callable:
    """Declare a test function as the check for a CIS control."""

    def decorate(fn: Callable) -> Callable:
        params = list(inspect.signature(fn).parameters)
        if len(params) != 1:
            raise TypeError(f"{fn.__name__} must take exactly one argument: the unit it evaluates")
        spec = ControlSpec(control_id, units, tuple(reads), params[0], manual)
        return pytest.mark.cis(spec)(fn)

    return decorate


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


def unit_of(item):
    spec = spec_of(item)
    callspec = getattr(item, "callspec", None)
    if spec is None or callspec is None:
        return None
    unit = callspec.params.get(spec.argname)
    # An empty unit set parametrises with pytest's NOTSET placeholder: no unit at all.
    return unit if isinstance(unit, Unit) else None


def manual(guidance: str) -> None:
    """End a manual control's test: a person must check ``guidance`` by hand."""
    pytest.skip(f"MANUAL: {guidance}")
