"""Drive the real audit (cis_checks/ through the plugin) in-process against moto.

    def test_1_5_fails_without_root_mfa(audit):
        run = audit("1.5")
        assert run.one("1.5", account=A).status == "FAIL"
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pytest

REPO = Path(__file__).resolve().parents[1]
CHECKS_DIR = REPO / "cis_checks"

A, B, C = "111111111111", "222222222222", "333333333333"
ROLE = "OrganizationAccountAccessRole"


@dataclass
class Finding:
    control: str
    title: str
    level: int
    account: str
    region: str
    resource: str
    status: str
    message: str
    test_id: str
    check: str = ""  # the check and the rules a version changed for it ("1.5+C4")
    assessment: str = ""  # the benchmark's Automated/Manual label
    waiver: dict | None = None  # the waiver of a WAIVED finding (id, reason, owner, expires)
    evidence: list = None  # [{"source": "iam:...", "fields": {...}}, ...]
    owner: str | None = None  # with --cis-owner-tag only
    fix: dict | None = None  # a failing unit's fix: {"command": ..., "placeholders": [...]} or {"command": None, "why": ...}


class AuditRun:
    def __init__(self, result: pytest.RunResult, findings_path: Path):
        self.result = result
        self.document = json.loads(findings_path.read_text()) if findings_path.exists() else None
        self.findings = [Finding(**f) for f in (self.document or {}).get("findings", [])]
        assert_one_finding_per_resource((self.document or {}).get("findings", []))

    @property
    def output(self) -> str:
        return self.result.stdout.str()

    def of(self, control: str, **where) -> list[Finding]:
        """Findings of a control, filtered by any Finding field (account=..., resource=...)."""
        return [
            f
            for f in self.findings
            if f.control == control and all(getattr(f, k) == v for k, v in where.items())
        ]

    def one(self, control: str, **where) -> Finding:
        found = self.of(control, **where)
        assert len(found) == 1, f"expected one {control} finding for {where}, got {found}\n{self.output}"
        return found[0]

    def fixes(self, control: str) -> dict[str, str]:
        """test id -> the per-resource fix command the findings carry, for a control's failures."""
        return {f.test_id.split("[", 1)[1].rstrip("]"): f.fix["command"] for f in self.of(control) if f.fix}

    def statuses(self, control: str) -> dict[str, str]:
        """test id -> status, for a control."""
        return {f.test_id.split("[", 1)[1].rstrip("]"): f.status for f in self.of(control)}


def assert_one_finding_per_resource(findings: list[dict]) -> None:
    """A finding names exactly one thing: (control, account, region, resource) is unique in a run."""
    seen: dict[tuple, str] = {}
    clashes = []
    for finding in findings:
        key = (finding["control"], finding["account"], finding["region"], finding["resource"])
        if key in seen:
            clashes.append(f"{key}: {seen[key]} and {finding['test_id']}")
        seen.setdefault(key, finding["test_id"])
    assert not clashes, "findings that do not name one thing:\n" + "\n".join(clashes)


def control_filter(controls: Iterable[str]) -> str:
    """A -k expression selecting the test functions of these control ids."""
    return " or ".join(f"test_{c.replace('.', '_')}_" for c in controls)


def run_audit(
    pytester: pytest.Pytester,
    *controls: str,
    accounts: Iterable[str] = (A,),
    regions: Iterable[str] = ("us-east-1",),
    args: Iterable[str] = (),
    plugins: Iterable[object] = (),
) -> AuditRun:
    findings = pytester.path / "findings.json"
    argv = [
        str(CHECKS_DIR),
        # Plugin autoload is off in-process (tests/conftest.py): name the audit plugin.
        "-p", "pytest_cis_aws.entry",
        "-p", "no:cacheprovider",
        "--aws-accounts", ",".join(accounts),
        "--aws-role-name", ROLE,
        "--cis-json", str(findings),
        *args,
    ]
    if regions:  # none: every enabled region of the account
        argv += ["--aws-regions", ",".join(regions)]
    if controls:
        # Selected before parametrisation, so only these controls' evidence is read.
        argv += ["--cis-controls", ",".join(controls)]
    result = pytester.runpytest_inprocess(*argv, plugins=list(plugins))
    return AuditRun(result, findings)
