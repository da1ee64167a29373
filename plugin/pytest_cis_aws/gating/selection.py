"""Which controls a run evaluates: ``--cis-level`` and ``--cis-controls``, before parametrisation.

Controls left out never get units, so they appear in no output except the list of
controls not selected.
"""
from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Iterable


class SelectionError(ValueError):
    pass


def parse_patterns(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    patterns = tuple(dict.fromkeys(p.strip() for p in value.split(",") if p.strip()))
    if not patterns:
        raise SelectionError("--cis-controls is empty: give control ids or globs such as 1.4,2.1.*")
    return patterns


def check_patterns(patterns: tuple[str, ...] | None, control_ids: Iterable[str], benchmark_name: str) -> None:
    """A pattern that selects nothing is a typo, not an empty audit."""
    ids = list(control_ids)
    for pattern in patterns or ():
        if not any(fnmatchcase(cid, pattern) for cid in ids):
            raise SelectionError(f"--cis-controls: {pattern!r} matches no control of {benchmark_name}")


def select(controls, level: int, patterns: tuple[str, ...] | None) -> list:
    """The controls at or below ``level`` that match any pattern (all, without patterns)."""
    return [
        c for c in controls
        if c.level <= level and (patterns is None or any(fnmatchcase(c.id, p) for p in patterns))
    ]
