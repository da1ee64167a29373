"""Comparing a faulted audit with an unfaulted audit of the same estate.

The rule every fault must obey: a finding keeps its status and message, or it
becomes an ERROR whose message names the fault; a resource whose listing failed may
vanish only behind such an ERROR for its control, account and region. Nothing ever
becomes a PASS.
"""
from __future__ import annotations

import json
from pathlib import Path

from pytest_cis_aws.aws import snapshot
from tests.harness import AuditRun, Finding
from tests.trust.operations import Operation


def unit_key(finding: Finding) -> str:
    """``test_fn[unit id]``: the node id without its path, which depends on pytest's rootdir."""
    return finding.test_id.split("::", 1)[-1]


def by_test_id(findings: list[Finding]) -> dict[str, Finding]:
    return {unit_key(f): f for f in findings}


def fault_problems(baseline: list[Finding], faulted: list[Finding], marks: tuple[str, ...]) -> tuple[list[str], list[Finding]]:
    """(what broke the rule, the findings the fault turned into errors).

    ``marks``: every text a fault-caused error message must contain.
    """
    before, after = by_test_id(baseline), by_test_id(faulted)
    problems: list[str] = []
    errors: list[Finding] = []

    def names_fault(finding: Finding) -> bool:
        return finding.status == "ERROR" and all(mark in finding.message for mark in marks)

    for test_id, finding in after.items():
        was = before.get(test_id)
        if was is not None and (was.status, was.message) == (finding.status, finding.message):
            continue
        if names_fault(finding):
            errors.append(finding)
        else:
            old = f"{was.status} {was.message!r}" if was else "absent"
            problems.append(f"{test_id}: {old} became {finding.status} {finding.message!r}")
    for test_id, was in before.items():
        if test_id in after:
            continue
        # A failed listing leaves one error unit where its resources were: in the
        # same region, or at "global" for a global listing (s3:ListAllMyBuckets).
        covered = any(
            names_fault(f)
            and (f.control, f.account) == (was.control, was.account)
            and f.region in (was.region, "global")
            for f in faulted
        )
        if not covered:
            problems.append(f"{test_id} ({was.status}) vanished without an error for its control and account")
    return problems, errors


def operations_called(snapshot_path: Path) -> set[Operation]:
    """The (service, operation) of every call a run made, from its snapshot."""
    calls = snapshot.read(snapshot_path)["calls"]
    return {Operation(key[2], key[3]) for key in map(json.loads, calls)}


def statuses(run: AuditRun) -> dict[str, int]:
    counts: dict[str, int] = {}
    for finding in run.findings:
        counts[finding.status] = counts.get(finding.status, 0) + 1
    return counts
