"""Reading a findings file (``--cis-json``) without holding all of it.

A run writes its findings one per line (report/findings_json.py), so a file is read a line
at a time. Any other layout of the same JSON (a findings file re-indented, or dumped by a
script) is normalised once into that layout in a temporary file, sorted; only that load
holds a whole shard, and one at a time.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from ..finding import Finding

FINDINGS_LINE = '  "findings": ['  # the line that opens the list in a run's layout


class ShardError(ValueError):
    pass


class ShardFile:
    """One shard's findings file: its head (everything but the findings) read at once, its
    findings read again, as a stream, each time they are asked for."""

    def __init__(self, path: Path):
        self.path = path  # what the user named (error messages)
        self.source = path  # what is read: the file itself, or its normalised copy
        self.head = self._read_head()

    def _read_head(self) -> dict:
        try:
            with self.path.open(encoding="utf-8") as text:
                lines = []
                for line in text:
                    if line.startswith(FINDINGS_LINE):
                        head = json.loads("".join(lines) + '"findings": []}')
                        # A run's layout: the list closes on this line, or a whole finding
                        # is on the next (an indented dump spreads one over many lines).
                        first = line.strip() if line.rstrip().endswith("]") else next(text, "").strip().rstrip(",")
                        if isinstance(head, dict) and (first in ("]", '"findings": []') or
                                                       isinstance(json.loads(first), dict)):
                            return head
                        break
                    lines.append(line)
        except OSError as exc:
            raise ShardError(f"cannot read {self.path}: {exc.strerror}") from None
        except ValueError:
            pass  # not a run's layout (or not JSON): normalise() says which
        return self.normalise()

    def normalise(self, key: Callable[[dict], tuple] | None = None) -> dict:
        """Rewrite the file into a run's layout (sorted by ``key`` if given); the head."""
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ShardError(f"cannot read {self.path}: {exc.strerror}") from None
        except ValueError as exc:
            raise ShardError(f"{self.path} is not JSON ({exc})") from None
        if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
            raise ShardError(f"{self.path} is not a findings file (no 'findings' list)")
        entries = document.pop("findings")
        if key is not None:
            entries.sort(key=lambda e: key(Finding.from_json(e)))
        copy = tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".json", prefix="cis-merge-", delete=False)
        with copy:
            copy.write(json.dumps(document, indent=2)[: -len("\n}")] + ",\n" + FINDINGS_LINE + "\n")
            copy.write(",\n".join("    " + json.dumps(e) for e in entries))
            copy.write("\n  ]\n}\n")
        self.source = Path(copy.name)
        return document

    def entries(self) -> Iterator[dict]:
        """The findings as the file holds them, one at a time."""
        with self.source.open(encoding="utf-8") as text:
            for line in text:
                if line.startswith(FINDINGS_LINE):
                    break
            for line in text:
                line = line.strip().rstrip(",")
                if not line or line in ("]", "}"):
                    continue
                try:
                    yield json.loads(line)
                except ValueError as exc:
                    raise ShardError(f"{self.path}: a finding is not JSON ({exc})") from None

    def findings(self) -> Iterator[Finding]:
        return map(Finding.from_json, self.entries())

    def close(self) -> None:
        if self.source != self.path:
            self.source.unlink(missing_ok=True)
            self.source = self.path
