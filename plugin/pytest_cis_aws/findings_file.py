"""Reading a findings file someone hands us (``--cis-baseline``, ``cis-diff``), whole.

The file may be anything: missing, not JSON, or JSON of another kind. Each problem is one
sentence naming the file, which the caller prefixes with its option or command. (``cis-merge``
reads its shards a finding at a time instead: ``merging/files.py``.)
"""
from __future__ import annotations

import json
from pathlib import Path


class FindingsFileError(ValueError):
    pass


def read(path: Path) -> dict:
    """The document, a dict whose ``findings`` is a list."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise FindingsFileError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise FindingsFileError(f"{path} is not JSON ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise FindingsFileError(f"{path} is not a findings file (no 'findings' list)")
    return document
