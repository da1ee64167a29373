"""Two findings files compared unit by unit: what ``cis-diff`` reports.

A unit is its identity (``Finding.identity``: check, account, region, resource), so two
runs of different benchmark versions are compared by check, as a baseline is.

The lists (each unit once per list, a unit may be in two: ``new`` and ``appeared``):

* ``new``: FAIL or ERROR in NEW, and neither in OLD (absent, passing, waived...). This is
  the gate: ``cis-diff`` exits 1 when it is not empty, a unit that appears already failing
  included.
* ``fixed``: failing in OLD (FAIL, ERROR, KNOWN, WAIVED), present in NEW and not failing.
* ``still_failing``: failing in both, and not new.
* ``appeared`` / ``disappeared``: only in NEW / only in OLD, whatever their status.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import findings_file, identity
from .finding import Finding

GATING = ("FAIL", "ERROR")  # a unit newly in one of these fails cis-diff
FAILING = ("FAIL", "ERROR", "KNOWN", "WAIVED")  # not compliant, or not known to be
LISTS = ("new", "fixed", "still_failing", "appeared", "disappeared")
UNIT_FIELDS = ("control", "check", "account", "region", "resource", "status")
REQUIRED = ("control", "account", "region", "resource", "status")


class DiffInputError(ValueError):
    """A file cis-diff cannot compare; the message is one line naming it."""


@dataclass(frozen=True)
class FindingsFile:
    path: str
    benchmark: str
    units: dict[tuple, Finding]  # identity -> the finding


def load(path: Path) -> FindingsFile:
    try:
        document = findings_file.read(path)
    except findings_file.FindingsFileError as exc:
        raise DiffInputError(str(exc)) from None
    findings = document["findings"]
    benchmark = str(document.get("benchmark_version") or "")
    units: dict[tuple, Finding] = {}
    for number, entry in enumerate(findings, start=1):
        if not isinstance(entry, dict) or any(not isinstance(entry.get(name), str) for name in REQUIRED):
            raise DiffInputError(f"{path}, finding {number} lacks one of {', '.join(REQUIRED)}")
        finding = Finding.from_json(entry, check=identity.check_of(entry, benchmark))
        units[finding.identity] = finding
    return FindingsFile(str(path), benchmark, units)


def unit_entry(finding: Finding) -> dict:
    """A unit as the diff lists it; ``owner`` too when the run read owners (--cis-owner-tag)."""
    entry = {name: getattr(finding, name) for name in UNIT_FIELDS}
    if finding.owner is not None:
        entry["owner"] = finding.owner
    return entry


@dataclass
class Diff:
    old: FindingsFile
    new: FindingsFile
    lists: dict[str, list[dict]] = field(default_factory=lambda: {name: [] for name in LISTS})

    @property
    def by_check(self) -> bool:
        """Files of two benchmark versions: units matched by check, not by control id."""
        return self.old.benchmark != self.new.benchmark

    @property
    def gate_failed(self) -> bool:
        return bool(self.lists["new"])

    def counts(self) -> dict[str, int]:
        return {name: len(units) for name, units in self.lists.items()}

    def split(self, by: str) -> dict[str, dict[str, int]]:
        """Counts of each list per control, account or owner (``by``), keys sorted."""
        table: dict[str, Counter] = {}
        for name, units in self.lists.items():
            for unit in units:
                table.setdefault(unit.get(by, ""), Counter())[name] += 1
        return {key: {name: table[key][name] for name in LISTS} for key in sorted(table)}

    @property
    def has_owners(self) -> bool:
        return any("owner" in unit for units in self.lists.values() for unit in units)

    def to_dict(self) -> dict:
        out = {
            "old": {"path": self.old.path, "benchmark_version": self.old.benchmark},
            "new": {"path": self.new.path, "benchmark_version": self.new.benchmark},
            "compared_by": "check" if self.by_check else "control",
            "counts": self.counts(),
            "per_control": self.split("control"),
            "per_account": self.split("account"),
            **({"per_owner": self.split("owner")} if self.has_owners else {}),
        }
        out.update(self.lists)
        return out


def compare(old: FindingsFile, new: FindingsFile) -> Diff:
    diff = Diff(old, new)
    lists = diff.lists
    for key, finding in new.units.items():
        entry = unit_entry(finding)
        before = old.units.get(key)
        status, was = finding.status, before.status if before else None
        if before is None:
            lists["appeared"].append(entry)
        if status in GATING and was not in GATING:
            lists["new"].append(entry)
        elif before is not None and was in FAILING:
            lists["still_failing" if status in FAILING else "fixed"].append(entry)
    for key, finding in old.units.items():
        if key not in new.units:
            lists["disappeared"].append(unit_entry(finding))
    for units in lists.values():
        units.sort(key=lambda u: (u["account"], u["control"], u["region"], u["resource"]))
    return diff
