"""``--cis-csv PATH``: one row per finding, with the findings file's fields."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterable, Iterator

from .. import fixes
from ..summary import Score, SummaryState
from .findings_json import FINDING_FIELDS

# A WAIVED finding also carries the waiver that accepted it (plugin/pytest_cis_aws/gating).
WAIVER_FIELDS = ("waiver", "waiver_reason", "waiver_owner", "waiver_expires")
# A failing unit's fix: the command (or "No command: why"), and the placeholders it still holds.
FIX_FIELDS = ("fix", "fix_placeholders")
COLUMNS = (*FINDING_FIELDS, "test_id", *WAIVER_FIELDS, *FIX_FIELDS)


OWNER_COLUMNS = ("owner", "failed", "passed", "errors", "manual", "percent")


def columns(state: SummaryState) -> tuple[str, ...]:
    """With --cis-owner-tag, each row names its owner too."""
    return COLUMNS + (("owner",) if state.owners else ())


def rows(state: SummaryState) -> Iterator[dict[str, str]]:
    """A row per finding, streamed (a merge never holds every finding)."""
    names = columns(state)
    return ({**{name: finding.get(name, "") for name in names}, **_fix_cells(finding)}
            for finding in state.sorted_findings())


def _fix_cells(finding: dict) -> dict[str, str]:
    fix = fixes.of(finding)
    if fix is None:
        return {"fix": "", "fix_placeholders": ""}
    command = fix["command"] if fix.get("command") is not None else fixes.text(fix)
    return {"fix": command, "fix_placeholders": " ".join(fix.get("placeholders") or [])}


def owners_path(path: Path) -> Path:
    """The per-owner table beside the findings: findings.csv -> findings.owners.csv."""
    return path.with_name(f"{path.stem}.owners{path.suffix or '.csv'}")


def owner_rows(state: SummaryState) -> list[dict[str, str]]:
    out = []
    for owner, counts in state.per_owner().items():
        score = Score.of(counts)
        out.append({"owner": owner, "failed": str(score.failed), "passed": str(score.passed),
                    "errors": str(score.errors), "manual": str(score.manual), "percent": score.text})
    return out


def _inert(row: dict[str, str]) -> dict[str, str]:
    # A cell starting with = + - @ is a formula to spreadsheet programs; a leading
    # quote keeps resource names, messages and tag values from AWS inert there.
    return {k: "'" + v if v[:1] in ("=", "+", "-", "@") else v for k, v in row.items()}


def _write(path: Path, names, found: Iterable[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=names)
        writer.writeheader()
        for row in found:
            writer.writerow(_inert(row))


def write(state: SummaryState, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(path, columns(state), rows(state))
    if state.owners:  # one CSV holds one table: the per-owner one goes beside it
        _write(owners_path(path), OWNER_COLUMNS, owner_rows(state))


def write_file(state: SummaryState, path: Path, context) -> None:
    """The outputs table's entry point (report/outputs.py)."""
    write(state, path)
