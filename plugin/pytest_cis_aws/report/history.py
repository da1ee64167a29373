"""``--cis-history PATH``: one compact JSON line per run, the trend's data.

A record holds the date, the benchmark version, the totals and the score per section,
account and control. Findings are not copied: to tell new failures from fixed ones, a record
keeps a short hash of each failing unit's identity (``identity.short_hash``). The file keeps
the last ``--cis-history-keep`` runs (400 by default), oldest dropped first; ``cis-merge``
appends one record for the merged run, as a run does.
"""
from __future__ import annotations

import json
import os
import uuid
import weakref
from pathlib import Path

from .. import identity
from ..summary import SummaryState

FAILING = ("FAIL", "ERROR", "KNOWN", "WAIVED")  # a unit not compliant, or not known to be
TOTALS = ("passed", "failed", "errors", "manual", "waived", "known", "not_applicable")
REQUIRED = ("run", "date", "benchmark", "score", "failing")

# One record per run, made once: the HTML report and the file must name the same run.
_RECORDS: "weakref.WeakKeyDictionary[SummaryState, dict]" = weakref.WeakKeyDictionary()


class HistoryError(ValueError):
    """A history file that cannot be read or extended; the message is one line naming it."""


def record(state: SummaryState) -> dict:
    if state in _RECORDS:
        return _RECORDS[state]
    scores = state.scores()
    totals = state.totals()
    found = {
        # Two runs may end in the same second (replays): the run id tells them apart.
        "run": uuid.uuid4().hex[:12],
        "date": state.generated.isoformat().replace("+00:00", "Z"),
        "benchmark": state.benchmark,
        "level": state.level,
        "totals": {name: getattr(totals, name) for name in TOTALS},
        "score": scores["overall"]["percent"],
        "sections": {key: s["percent"] for key, s in scores["sections"].items()},
        "accounts": {key: s["percent"] for key, s in scores["accounts"].items()},
        "controls": {key: s["percent"] for key, s in scores["controls"].items()},
        "failing": sorted({identity.short_hash(f) for f in state.sorted_findings() if f.status in FAILING}),
    }
    _RECORDS[state] = found
    return found


def load(path: Path) -> list[dict]:
    """The records of a history file, oldest first; none when it does not exist yet."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise HistoryError(f"--cis-history: cannot read {path}: {exc.strerror}") from None
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            entry = None
        if not _valid(entry):
            raise HistoryError(f"--cis-history: {path}, line {number} is not a history record of this suite")
        records.append(entry)
    return records


def _number(value) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 100)


def _valid(entry) -> bool:
    """A record as ``record`` writes it, in the parts the trend draws (a hand-edited or foreign
    line must not break the report)."""
    if not isinstance(entry, dict) or any(name not in entry for name in REQUIRED):
        return False
    scores = [entry["score"]] + [v for key in ("sections", "accounts") for v in (entry.get(key) or {}).values()]
    return (all(_number(v) for v in scores)
            and all(isinstance(entry.get(key) or {}, dict) for key in ("sections", "accounts", "controls"))
            and isinstance(entry["failing"], list) and all(isinstance(h, str) for h in entry["failing"]))


def runs(state: SummaryState, path: Path | None) -> list[dict]:
    """The kept runs and this one, oldest first: what the trend draws. The file may already
    hold this run (when the file was written before the report), so it is taken once."""
    current = record(state)
    before = [r for r in load(path) if r["run"] != current["run"]] if path else []
    return before + [current]


def write(state: SummaryState, path: Path, keep: int) -> None:
    records = runs(state, path)[-keep:]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole and renamed into place: a run killed half-way leaves the old file intact.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records), encoding="utf-8")
    tmp.replace(path)


def write_file(state: SummaryState, path: Path, context) -> None:
    """The outputs table's entry point (report/outputs.py)."""
    write(state, path, context.history_keep)
