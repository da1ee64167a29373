"""``--cis-csv PATH``: one row per finding, with the findings file's fields."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterator

from ..summary import SummaryState
from .findings_json import FINDING_FIELDS

# A WAIVED finding also carries the waiver that accepted it (plugin/pytest_cis_aws/gating).
WAIVER_FIELDS = ("waiver", "waiver_reason", "waiver_owner", "waiver_expires")
COLUMNS = (*FINDING_FIELDS, "test_id", *WAIVER_FIELDS)


def rows(state: SummaryState) -> Iterator[dict[str, str]]:
    """A row per finding, streamed (a merge never holds every finding)."""
    return ({name: finding.get(name, "") for name in COLUMNS} for finding in state.sorted_findings())


def write(state: SummaryState, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows(state):
            # A cell starting with = + - @ is a formula to spreadsheet programs; a leading
            # quote keeps resource names and messages from AWS inert there.
            writer.writerow({k: "'" + v if v[:1] in ("=", "+", "-", "@") else v for k, v in row.items()})


def write_file(state: SummaryState, path: Path, context) -> None:
    """The outputs table's entry point (report/outputs.py)."""
    write(state, path)
