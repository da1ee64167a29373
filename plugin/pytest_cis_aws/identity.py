"""What one unit *is* across runs: the check, the account, the region and the resource.

A finding names exactly one thing (ARCHITECTURE.md: ``(control, account, region, resource)``
is unique in a run). Across runs and benchmark versions the control id may be renumbered,
but the check it evaluates is not, so the check stands in for the control. The identity is
one property, ``Finding.identity``; everything that recognises a unit again uses it through
this module or directly: baselines, ``cis-diff``, the OSCAL UUIDs, the history's short
hashes of failing units.
"""
from __future__ import annotations

import hashlib
import uuid

from . import registry
from .finding import Finding

# Our own namespace for UUIDv5s (itself uuid5 of the URL namespace and the project's name),
# so the same unit gives the same UUID wherever the document is written.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "pytest-cis-aws")
SHORT_HASH = 10  # hex digits: a history line carries one per failing unit, so keep it small


def check_of(finding: dict, benchmark: str | None = None) -> str:
    """A findings file entry's check; a file written before checks existed names only the
    control, which the benchmark's registry maps onto its check (``Finding.from_json``'s
    ``check``)."""
    if finding.get("check"):
        return str(finding["check"])
    if benchmark:
        try:
            control = registry.by_id(benchmark).get(str(finding["control"]))
        except (registry.RegistryError, KeyError):  # a version this suite does not know
            control = None
        if control is not None:
            return control.evaluation
    return str(finding["control"])


def _text(key: tuple[str, ...]) -> str:
    return "\n".join(key)  # no part holds a newline (ids, regions, ARNs)


def short_hash(finding: Finding) -> str:
    """A short, stable digest of the unit's identity (the history keeps these, not findings)."""
    return hashlib.sha256(_text(finding.identity).encode()).hexdigest()[:SHORT_HASH]


def unit_uuid(kind: str, version: str, *parts: str) -> str:
    """A UUIDv5 for ``kind`` ("observation", "inventory-item"...) of the given identity under
    one benchmark version: the same input gives the same UUID, run after run."""
    return str(uuid.uuid5(NAMESPACE, _text((kind, version, *parts))))


def finding_uuid(kind: str, version: str, finding: Finding) -> str:
    return unit_uuid(kind, version, *finding.identity)
