"""``@custom_control``: a test function becomes one of a team's own controls.

    @custom_control("ORG.3", units=buckets, title="Every S3 bucket names its owner", level=1)
    def test_org_3_bucket_has_owner_tag(bucket, aws):
        ...

It marks the function exactly as ``pytest_cis_aws.controls.control`` marks a CIS control (the
``cis`` marker carrying a spec), so discovery, gathering, parametrisation, items and
outcomes treat both alike. The metadata given here is only recorded: it is validated with
the file it came from when the run starts (``metadata.py``), where a mistake can be a
usage error that names the file.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest

from ..controls import ControlSpec
from ..collectors.base import UnitSource
from ..naming import test_prefix

# The metadata a control may give in code (or in controls.yaml beside it).
METADATA = ("title", "level", "section", "description", "remediation", "fix", "manual_check")


@dataclass(frozen=True)
class CustomSpec(ControlSpec):
    """A ``ControlSpec`` for a team's own control: its id is its check."""

    # The metadata given in the decorator (only the fields given).
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def slug(self, function_name: str) -> str:
        """What the function's name says it checks, after ``test_org_1_`` (the same in every version)."""
        return function_name.removeprefix(function_prefix(self.check))


function_prefix = test_prefix  # a control test's name starts with it: test_org_1_ for ORG.1 (naming.py)


def custom_control(
    id: str,  # noqa: A002 - the word every other output uses
    *,
    units: UnitSource,
    manual: bool = False,
    title: str | None = None,
    level: int | None = None,
    section: str | None = None,
    description: str | None = None,
    remediation: dict | None = None,
    fix: str | None = None,
    manual_check: str | None = None,
) -> Callable:
    """Declare a test function as your own control ``id`` (``ORG.1``: a section name, a dot,
    numbers), evaluated on every unit ``units`` yields.

    The function's first parameter receives the unit; any others are fixtures (``aws``,
    or your own). The metadata (``title``, ``level``, the ``section``'s title,
    ``description``, ``remediation`` as ``{"console": [...], "cli": [...]}``, a
    per-resource ``fix`` template, ``manual_check``) is given here or in ``controls.yaml``
    beside the test file, not both. ``manual=True`` makes every unit MANUAL, saying
    ``manual_check``.
    """
    given = {name: value for name, value in (
        ("title", title), ("level", level), ("section", section), ("description", description),
        ("remediation", remediation), ("fix", fix), ("manual_check", manual_check)) if value is not None}

    def decorate(fn: Callable) -> Callable:
        params = list(inspect.signature(fn).parameters)
        if not params:
            raise TypeError(f"{fn.__name__} must take the unit it evaluates as its first argument")
        if not callable(units):
            raise TypeError(f"{fn.__name__}: units= must be a unit source such as accounts, regions or resources(...)")
        spec = CustomSpec(str(id), units, (), params[0], manual, metadata=given)
        return pytest.mark.cis(spec)(fn)

    return decorate
