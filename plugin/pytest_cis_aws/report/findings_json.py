"""The machine-readable findings file (``--cis-json``), documented in the README."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from ..custom.metadata import CustomControl
from ..finding import Finding
from ..summary import SummaryState

def entry(f: Finding, owners: bool = False) -> dict:
    """One finding as the file holds it (``owners``: the run read owners, --cis-owner-tag)."""
    return f.to_json(owners)


def head(state: SummaryState) -> dict:
    """Everything but the findings."""
    estate = state.estate
    own = [c.to_dict() for c in state.controls if isinstance(c, CustomControl)]
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
        "controls": [c.id for c in state.controls],  # the controls this run selected
        # A team's own controls (pytest_cis_aws.api), described: cis-merge shows them from this alone.
        **({"custom_controls": own} if own else {}),
        "totals": asdict(state.totals()),
        # passed / (passed + failed + known) per control, section, account and overall, the rest beside it.
        "scores": state.scores(),
        "gating": state.gating.to_dict() if state.gating else None,
        "aws_calls": state.aws_calls,
        # --cis-owner-tag: the tag, and how account tags were read; each finding then has "owner".
        **({"owners": state.owners.to_dict()} if state.owners else {}),
    }


def document(state: SummaryState) -> dict:
    return {**head(state), "findings": [entry(f, bool(state.owners)) for f in state.sorted_findings()]}


def write(state: SummaryState, path: Path) -> None:
    """The document indented, one finding per line: readable and diffable, and written by
    json's fast encoder (an indented dump of every finding took seconds at organisation scale).
    The findings are streamed (a merge never holds them all); "findings" is the last key,
    which cis-merge relies on to read a file a finding at a time (merging/files.py)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(head(state), indent=2)[: -len("\n}")] + ',\n  "findings": [')
        separator, owners = "\n    ", bool(state.owners)
        for f in state.sorted_findings():
            out.write(separator + json.dumps(entry(f, owners)))
            separator = ",\n    "
        out.write("\n  ]\n}\n" if separator != "\n    " else "]\n}\n")
