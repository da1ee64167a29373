"""``--cis-csv PATH``: one row per finding, with the findings file's fields."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterable, Iterator

from .. import fixes
from ..finding import Finding
from ..summary import Score, SummaryState

# The findings file's fields, in its order.
FINDING_FIELDS = ("control", "title", "level", "check", "assessment", "account", "region", "resource", "status",
                  "message")

# A WAIVED finding also carries the waiver that accepted it (plugin/pytest_cis_aws/gating).
WAIVER_FIELDS = {"waiver": "id", "waiver_reason": "reason", "waiver_owner": "owner", "waiver_expires": "expires"}
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
    return ({name: _cell(finding, name) for name in names} for finding in state.sorted_findings())


def _cell(finding: Finding, name: str) -> str:
    waiver, fix = finding.waiver, finding.fix
    if name in WAIVER_FIELDS:
        return getattr(waiver, WAIVER_FIELDS[name]) if waiver else ""
    if name == "fix":
        return "" if fix is None else fix.command if fix.command is not None else fixes.text(fix)
    if name == "fix_placeholders":
        return " ".join(fix.placeholders) if fix else ""
    if name == "owner":
        return finding.owner or ""
    return str(getattr(finding, name))


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
