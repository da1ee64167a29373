"""Control tests as pytest items: one :class:`ControlItem` per control and unit.

The test functions in ``cis_checks/`` stay ordinary pytest functions, parametrised over
their units by ``pytest_generate_tests``. Each Function pytest makes from them is turned
into a ControlItem here, which

* carries the selected benchmark version's control and the unit it evaluates;
* is named by that version's control id: under v3.0.0 the check written as
  ``test_3_5_config_recording`` runs as ``test_3_3_config_recording[...]``, so ``-k`` and
  every report find a control by the number its benchmark gives it;
* reports a failed control as its one-line message, the finding, instead of a traceback
  of our own code (a traceback is kept for anything that is not a verdict: a bug);
* lets the test body record evidence and ask for its version's rules while it runs;
* runs a manual control's body too (it records the facts a person needs), then reports
  the control MANUAL.
"""
from __future__ import annotations

import pytest

from . import controls as control_decl
from . import pytest_internals
from .aws.errors import AwsCallError
from .controls import ControlSpec
from .collectors.base import Unit
from .registry import Control


# The test function -> (file, line), kept on the module node of this run: see ControlItem.reportinfo.
_WHERE = pytest.StashKey["dict"]()


class ControlItem(pytest.Function):
    control: Control
    unit: Unit

    def runtest(self) -> None:
        self.recorded = control_decl.Running(self.control, self.config.stash.get(control_decl.OPTIONS, None))
        token = control_decl.start(self.recorded)
        try:
            super().runtest()
            spec = control_decl.spec_of(self)
            if spec is not None and spec.manual:
                # The body recorded the facts a person needs; the verdict is theirs.
                control_decl.manual(self.control.manual_check or "verify this control by hand")
        finally:
            control_decl.stop(token)

    def setup(self) -> None:
        # The unit is a direct parameter: hand it to the test as it is. pytest would build a
        # pseudo-fixture and a fixture request for it on every test (a tenth of a replay's
        # time at organisation scale). Any other fixture (autouse ones) is set up as usual.
        self.funcargs[control_decl.spec_of(self).argname] = self.unit
        super().setup()

    def reportinfo(self):
        # Where the test function is: the same for every unit of a control, and costly to
        # find (pytest reads the source), so it is looked up once per function.
        known = self.parent.stash.setdefault(_WHERE, {})
        where = known.get(self.obj)
        if where is None:
            where = known[self.obj] = super().reportinfo()[:2]
        return (*where, self.getmodpath())

    @property
    def evidence(self) -> list[dict]:
        recorded = self.recorded
        return recorded.evidence if recorded is not None else []

    @property
    def pass_message(self) -> str:
        """What the test said satisfied the control (controls.passed_because), "" if nothing."""
        recorded = self.recorded
        return "; ".join(recorded.passed) if recorded is not None else ""

    def forget_recorded(self) -> None:
        """Once the call's report carries them, the evidence and messages recorded are not
        needed again: dropped, as a run keeps every item to its end."""
        self.recorded = None  # replaced, not deleted (pytest_internals.release_ran_item)

    def release(self) -> None:
        """Once run and reported, the item keeps its name, node id, control and location, and
        drops its unit and the state pytest built to select and run it (a run keeps every item
        to its end; its reports carry what the writers need)."""
        self.forget_recorded()
        self.unit = None  # replaced, not deleted (pytest_internals.release_ran_item)
        pytest_internals.release_ran_item(self)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]):
        if excinfo.errisinstance((AssertionError, AwsCallError)):
            # The verdict's own sentence, as a structured repr: the short summary's
            # "FAILED ... - message", junitxml's message= and xdist all read it.
            return verdict_repr(excinfo)
        return super().repr_failure(excinfo)


def verdict_repr(excinfo: pytest.ExceptionInfo[BaseException]):
    """What ``excinfo.getrepr(style="value", tbfilter=False, chain=False)`` returns, built
    directly: that call walks and formats the whole traceback to find the crash location,
    a fifth of pytest's own cost per failing control at organisation scale.

    pytest has no public constructor for a report's structured failure: see pytest_internals.
    """
    return pytest_internals.failure_repr(excinfo)


def versioned_name(control: Control, spec: ControlSpec, function_name: str) -> str:
    """The test's name under the selected version: test_<version's id>_<what it checks>."""
    return control.function_prefix + spec.slug(function_name)


def as_control_items(functions: list, control: Control, spec: ControlSpec) -> list[ControlItem]:
    """ControlItems in place of the Functions pytest made for one control test.

    Functions without a unit (pytest's placeholder for an empty parameter set: nothing of
    that kind in the estate) are dropped: the control simply has no units.
    """
    items = []
    names: dict[str, str] = {}
    for function in functions:
        callspec = getattr(function, "callspec", None)
        unit = callspec.params.get(spec.argname) if callspec is not None else None
        if not isinstance(unit, Unit):
            continue
        # One name per control test, shared by its items (tens of thousands at scale).
        name = names.setdefault(function.originalname, versioned_name(control, spec, function.originalname))
        item = ControlItem.from_parent(
            function.parent,
            name=f"{name}[{callspec.id}]",
            callspec=callspec,
            callobj=function.obj,
            # The Function's own fixture closure: the unit is a direct parameter, not a fixture.
            fixtureinfo=pytest_internals.fixture_info(function),
            keywords={callspec.id: True},
            # The version's name, not the function's: pytest 9.2 builds the node id from
            # originalname (earlier versions from name), and the function object is given.
            originalname=name,
        )
        # Every attribute an item will have, in one order: its instances share one key table.
        item.control, item.unit, item.recorded = control, unit, None
        items.append(item)
    return items
