"""The machine-readable findings file (``--cis-json``), documented in the README."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from ..summary import SummaryState

FINDING_FIELDS = ("control", "title", "level", "account", "region", "resource", "status", "message")


def document(state: SummaryState) -> dict:
    estate = state.estate
    return {
        "benchmark": state.benchmark_name,
        "benchmark_version": state.benchmark,
        "level": state.level,
        "generated": state.generated.isoformat().replace("+00:00", "Z"),
        "accounts": [
            {
                "id": a.id,
                "integrated": a.integrated,
                "error": a.error,
                "regions": a.regions,
                "skipped_regions": a.skipped_regions,
            }
            for a in (estate.accounts if estate else [])
        ],
        "totals": asdict(state.totals()),
        "aws_calls": state.aws_calls,
        "findings": [
            {**{name: f.get(name, "") for name in FINDING_FIELDS}, "level": int(f["level"]), "test_id": f["test_id"]}
            for f in state.sorted_findings()
        ],
    }


def write(state: SummaryState, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document(state), indent=2) + "\n", encoding="utf-8")
