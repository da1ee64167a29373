"""The baseline: a findings file from an earlier run (``--cis-baseline``).

A failure whose (check, unit) was already failing in the baseline is KNOWN; only new
failures fail the run. A unit failing in the baseline and passing now is FIXED. The check
(with the rules a version changed for it) and the unit are the same whatever the
benchmark version, so a baseline from v2.0.0 still knows v5.0.0's failures of the same
checks; a CHANGED or NEW control of the newer version has no counterpart and reads as new.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import findings_file, registry

# A baseline unit "was failing" whether the earlier run failed it outright, or it was
# already known or waived there.
FAILING_IN_BASELINE = ("FAIL", "KNOWN", "WAIVED")


class BaselineFileError(ValueError):
    pass


def unit_id(test_id: str) -> str:
    """The readable unit id inside a test id: ``...::test_1_4_x[111111111111-global-account]``."""
    return test_id.split("[", 1)[1][:-1] if "[" in test_id else test_id


def key(check: str, test_id: str) -> tuple[str, str]:
    """Identifies one unit under one check across runs and versions (file paths and test
    names in node ids may differ)."""
    return (check, unit_id(test_id))


def check_of(finding: dict, benchmark: str) -> str:
    """A baseline finding's check; files written before versions existed lack it."""
    if finding.get("check"):
        return str(finding["check"])
    control = registry.by_id(benchmark).get(str(finding["control"]))
    return control.evaluation if control is not None else str(finding["control"])


@dataclass(frozen=True)
class Baseline:
    path: str
    failing: frozenset[tuple[str, str]]

    def knows(self, check: str, test_id: str) -> bool:
        return key(check, test_id) in self.failing


def load(path: Path) -> Baseline:
    try:
        document = findings_file.read(path)
    except findings_file.FindingsFileError as exc:
        raise BaselineFileError(f"--cis-baseline: {exc}") from None
    findings = document["findings"]
    try:
        benchmark = registry.resolve(str(document.get("benchmark_version") or registry.DEFAULT_BENCHMARK))
    except registry.RegistryError:
        raise BaselineFileError(
            f"--cis-baseline: {path} audits benchmark {document.get('benchmark_version')!r}, which this suite "
            f"does not know ({', '.join(registry.benchmarks())})"
        ) from None
    failing = set()
    for number, finding in enumerate(findings, start=1):
        try:
            if finding["status"] in FAILING_IN_BASELINE:
                failing.add(key(check_of(finding, benchmark), str(finding["test_id"])))
        except (KeyError, TypeError):
            raise BaselineFileError(
                f"--cis-baseline: {path}, finding {number} lacks control, status or test_id"
            ) from None
    return Baseline(str(path), frozenset(failing))
