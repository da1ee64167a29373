"""The control registry: every control's metadata, as data.

One YAML file per benchmark section (``section_N.yaml``) holds each control's id,
title, level, unit, and our own description and remediation. A benchmark version is
this mapping from its ids and titles onto the checks in ``cis_checks/``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

BENCHMARKS = {"2.0.0": "CIS AWS Foundations Benchmark v2.0.0"}
DEFAULT_BENCHMARK = "2.0.0"

SECTION_TITLES = {
    "1": "Identity and Access Management",
    "2": "Storage",
    "3": "Logging",
    "4": "Monitoring",
    "5": "Networking",
}
# Marker names for selecting a section with -m.
SECTION_MARKERS = {"1": "iam", "2": "storage", "3": "logging", "4": "monitoring", "5": "networking"}


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    level: int
    automated: bool  # the benchmark's own Automated/Manual assessment status
    unit: str
    description: str
    console: tuple[str, ...] = ()
    cli: tuple[str, ...] = ()
    # A per-resource CLI fix, formatted with the failing unit's fields: {account} {region} {name} ...
    fix: str | None = None
    # For controls only a person can verify: what to check by hand.
    manual_check: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def section(self) -> str:
        return self.id.split(".")[0]

    @property
    def section_title(self) -> str:
        return SECTION_TITLES[self.section]

    @property
    def order(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.id.split("."))

    @property
    def function_prefix(self) -> str:
        """Every control's test function is named test_<id with underscores>_..."""
        return "test_" + self.id.replace(".", "_") + "_"


class RegistryError(ValueError):
    pass


def _load(text: str, source: str) -> list[Control]:
    data = yaml.safe_load(text)
    controls = []
    for entry in data["controls"]:
        entry = dict(entry)
        remediation = entry.pop("remediation", {}) or {}
        try:
            controls.append(
                Control(
                    id=str(entry.pop("id")),
                    title=entry.pop("title"),
                    level=int(entry.pop("level")),
                    automated=bool(entry.pop("automated")),
                    unit=entry.pop("unit"),
                    description=" ".join(entry.pop("description").split()),
                    console=tuple(remediation.get("console", ())),
                    cli=tuple(remediation.get("cli", ())),
                    fix=entry.pop("fix", None),
                    manual_check=entry.pop("manual_check", None),
                    extra=entry,
                )
            )
        except KeyError as missing:
            raise RegistryError(f"{source}: a control lacks {missing}") from None
    return controls


@lru_cache(maxsize=None)
def controls(benchmark: str = DEFAULT_BENCHMARK) -> tuple[Control, ...]:
    """Every control of the benchmark, in benchmark order."""
    if benchmark not in BENCHMARKS:
        raise RegistryError(f"unknown benchmark {benchmark}")
    folder = resources.files(__package__)
    found: list[Control] = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("section_") and entry.name.endswith(".yaml"):
            found.extend(_load(entry.read_text(encoding="utf-8"), entry.name))
    ids = [c.id for c in found]
    if len(ids) != len(set(ids)):
        raise RegistryError("a control id appears twice in the registry")
    return tuple(sorted(found, key=lambda c: c.order))


def by_id(benchmark: str = DEFAULT_BENCHMARK) -> dict[str, Control]:
    return {c.id: c for c in controls(benchmark)}
