"""Which controls run, over which units: the ``cis-selection`` plugin, on every process.

--cis-level and --cis-controls select the version's controls (and a team's own) before
anything runs; each control test is parametrised over its check's units, made into
``ControlItem``s named by the selected version's ids, and marked with its section and level.
"""
from __future__ import annotations

import pytest

from . import controls as control_decl
from . import items as control_items
from . import registry
from .audit_options import AuditOptions
from .collectors.base import Unit, sorted_units
from .custom.declare import CustomSpec
from .gating import selection
from .naming import test_prefix
from .registry import Control, controls

NAME = "cis-selection"


def select(options: AuditOptions, custom_controls: tuple[Control, ...] = ()) -> list:
    """--cis-level and --cis-controls, applied before parametrisation."""
    every = (*controls(options.benchmark), *custom_controls)
    try:
        selection.check_patterns(options.gating.controls, [c.id for c in every], options.benchmark)
    except selection.SelectionError as exc:
        raise pytest.UsageError(str(exc)) from None
    return selection.select(every, options.level, options.gating.controls)


class ControlSelection:
    def __init__(self, audit):
        self.audit = audit

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        spec = control_decl.spec_of(metafunc.definition)
        if spec is None:
            return
        if not isinstance(spec, CustomSpec):  # a team's own: checked with its metadata (plugin/pytest_cis_aws/custom)
            check_declaration(spec, metafunc.function.__name__)
        units = self._units(spec) if spec.check in self.audit.selected_checks else []
        metafunc.parametrize(spec.argname, units, ids=[u.test_id for u in units])

    def _units(self, spec) -> list[Unit]:
        audit = self.audit
        if spec.check not in audit.units:  # a worker, or a file the controller did not see
            audit.units[spec.check] = sorted_units(spec.units(audit.inventory))
        found = audit.units[spec.check]
        if isinstance(found, Exception):
            raise found
        return found

    @pytest.hookimpl(wrapper=True)
    def pytest_pycollect_makeitem(self, collector, name, obj):
        made = yield
        spec = control_decl.spec_of_function(obj) if isinstance(made, list) else None
        if spec is None:
            return made
        # Named by the selected version's control id; none at all where the version (or
        # the selection) lacks the check.
        control = self.audit.selected_checks.get(spec.check)
        return control_items.as_control_items(made, control, spec) if control is not None else []

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, session, config, items: list[pytest.Item]) -> None:
        # -m follows the selected version's sections and levels. One pair of markers per
        # control, shared by its items (tens of thousands at organisation scale): a marker
        # named by a string is looked up and built again for every item.
        markers: dict[str, tuple[pytest.MarkDecorator, pytest.MarkDecorator]] = {}
        for item in items:
            if isinstance(item, control_items.ControlItem):
                control = item.control
                pair = markers.get(control.id)
                if pair is None:
                    pair = markers[control.id] = (getattr(pytest.mark, control.marker),
                                                  getattr(pytest.mark, f"level{control.level}"))
                for marker in pair:
                    item.add_marker(marker)

    def pytest_collection_finish(self, session) -> None:
        # Each item holds its own unit now, and drops it once run (ControlItem.release):
        # the per-check lists the units were dealt from are not read again.
        self.audit.units.clear()


def check_declaration(spec, function_name: str) -> None:
    """A control test names a check the catalogue has, and is named after it."""
    if spec.check not in registry.checks():
        raise pytest.UsageError(f"{function_name} declares check {spec.check!r}, which plugin/pytest_cis_aws/registry/checks lacks")
    expected = spec.expected_name()
    if expected is not None and function_name != expected:
        raise pytest.UsageError(f"{function_name} checks {spec.check}: name it {expected}")
    prefix = test_prefix(spec.check)
    if expected is None and not function_name.startswith(prefix):
        raise pytest.UsageError(f"{function_name} checks {spec.check}: name it {prefix}...")
