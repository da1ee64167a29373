"""Output paths checked before anything runs: a file that cannot be written is a usage error.

An audit writes its files at the very end. A path naming a directory, or lying below a
regular file, used to surface there as a raw IsADirectoryError after the whole audit had
run, with no summary. A run (``entry.py``) and ``cis-merge`` (``merge.py``) check every
output path they were given at the start instead, and say in one sentence what is wrong.

Light on purpose (the standard library only): the entry point imports it.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable


def problem(text: str) -> str | None:
    """Why a file cannot be written at ``text``, or None when it can (as far as we can tell
    without writing: missing folders are created by the writers)."""
    path = Path(text)
    if text.endswith(("/", os.sep)) or path.is_dir():
        return "is a folder; give a file name"
    for parent in path.parents:
        if parent.is_dir():
            if not os.access(parent, os.W_OK | os.X_OK):
                return f"the folder {parent} is not writable"
            return None
        if parent.exists():  # a regular file (or a device) where a folder is needed
            return f"{parent} is a file, not a folder"
    return None


def first_problem(paths: Iterable[tuple[str, str | os.PathLike | None]]) -> str | None:
    """The first ``(option, path)`` pair whose file cannot be written, as one sentence."""
    for option, value in paths:
        if value is None or value == "":
            continue
        reason = problem(str(value))
        if reason:
            return f"{option} {Path(str(value))}: {reason}"
    return None
