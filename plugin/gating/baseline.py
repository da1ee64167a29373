"""The baseline: a findings file from an earlier run (``--cis-baseline``).

A failure whose (control, unit) was already failing in the baseline is KNOWN; only new
failures fail the run. A unit failing in the baseline and passing now is FIXED.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

# A baseline unit "was failing" whether the earlier run failed it outright, or it was
# already known or waived there.
FAILING_IN_BASELINE = ("FAIL", "KNOWN", "WAIVED")


class BaselineFileError(ValueError):
    pass


def unit_id(test_id: str) -> str:
    """The readable unit id inside a test id: ``...::test_1_4_x[111111111111-global-account]``."""
    return test_id.split("[", 1)[1][:-1] if "[" in test_id else test_id


def key(control: str, test_id: str) -> tuple[str, str]:
    """Identifies one unit under one control across runs (file paths in node ids may differ)."""
    return (control, unit_id(test_id))


@dataclass(frozen=True)
class Baseline:
    path: str
    failing: frozenset[tuple[str, str]]

    def knows(self, control: str, test_id: str) -> bool:
        return key(control, test_id) in self.failing


def load(path: Path) -> Baseline:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineFileError(f"--cis-baseline: cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise BaselineFileError(f"--cis-baseline: {path} is not JSON ({exc})") from None
    findings = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(findings, list):
        raise BaselineFileError(f"--cis-baseline: {path} is not a findings file (no 'findings' list)")
    failing = set()
    for number, finding in enumerate(findings, start=1):
        try:
            if finding["status"] in FAILING_IN_BASELINE:
                failing.add(key(str(finding["control"]), str(finding["test_id"])))
        except (KeyError, TypeError):
            raise BaselineFileError(
                f"--cis-baseline: {path}, finding {number} lacks control, status or test_id"
            ) from None
    return Baseline(str(path), frozenset(failing))
