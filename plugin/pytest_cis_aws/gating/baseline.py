"""The baseline: a findings file from an earlier run (``--cis-baseline``).

A failure whose unit (``Finding.identity``: the check, account, region and resource) was
already failing in the baseline is KNOWN; only new failures fail the run. A unit failing in
the baseline and passing now is FIXED. The check (with the rules a version changed for it)
and the unit are the same whatever the benchmark version, so a baseline from v2.0.0 still
knows v5.0.0's failures of the same checks; a CHANGED or NEW control of the newer version
has no counterpart and reads as new.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import findings_file, identity, registry
from ..finding import Finding

# What a failing baseline finding must name (its test, as every findings file does; its place
# for its identity).
NAMED, PLACED = ("control", "status", "test_id"), ("account", "region", "resource")
# A baseline unit "was failing" whether the earlier run failed it outright, or it was
# already known or waived there.
FAILING_IN_BASELINE = ("FAIL", "KNOWN", "WAIVED")


class BaselineFileError(ValueError):
    pass


@dataclass(frozen=True)
class Baseline:
    path: str
    failing: frozenset[tuple[str, str, str, str]]  # identities

    def knows(self, unit: tuple[str, str, str, str]) -> bool:
        """Whether the unit (an identity, ``Finding.identity``) was failing in the baseline."""
        return unit in self.failing


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
    for number, entry in enumerate(findings, start=1):
        try:
            if entry["status"] in FAILING_IN_BASELINE:
                if not all(name in entry for name in (*NAMED, *PLACED)):
                    raise KeyError
                # A file written before checks existed names the control: the registry maps it.
                failing.add(Finding.from_json(entry, check=identity.check_of(entry, benchmark)).identity)
        except (KeyError, TypeError):
            lacking = NAMED if not isinstance(entry, dict) or not set(NAMED) <= set(entry) else PLACED
            raise BaselineFileError(
                f"--cis-baseline: {path}, finding {number} lacks {', '.join(lacking[:-1])} or {lacking[-1]}"
            ) from None
    return Baseline(str(path), frozenset(failing))
