"""Every id a run prints runs that test again when pasted back, under every pytest we support.

v3.0.0 renumbered v2.0.0's 3.5 (config recording) as 3.3: its items must carry 3.3 in the
terminal, in junitxml and in the findings file, and each of those ids, given back to pytest,
must find that one test (pytest 9.2 builds node ids from originalname; earlier ones from name).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from tests.harness import A, REPO, ROLE



def audit(pytester: pytest.Pytester, tmp, name: str, *args: str):
    findings, junit = tmp / f"{name}.json", tmp / f"{name}.xml"
    result = pytester.runpytest_inprocess(
        *args,
        "-p", "pytest_cis_aws.entry", "-p", "no:cacheprovider",
        "--aws-accounts", A, "--aws-role-name", ROLE, "--aws-regions", "us-east-1,eu-west-1",
        "--cis-benchmark", "3.0.0",
        "--cis-json", str(findings), "--junitxml", str(junit), "-v",
    )
    test_ids = [f["test_id"] for f in json.loads(findings.read_text())["findings"]]
    return result, test_ids, junit


def junit_ids(junit) -> list[str]:
    """junitxml's classname (dotted path) and name, written back as the node id."""
    cases = ET.parse(junit).getroot().iter("testcase")
    return [f"{case.get('classname').replace('.', '/')}.py::{case.get('name')}" for case in cases]


def pasted(snapshot, tmp, *args: str) -> list[str]:
    """A fresh pytest process in the repository, replaying the first run's snapshot (no AWS)."""
    findings = tmp / "pasted.json"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *args, "-p", "pytest_cis_aws.entry", "-p", "no:cacheprovider",
         "--aws-accounts", A, "--aws-regions", "us-east-1,eu-west-1", "--cis-benchmark", "3.0.0",
         f"--aws-snapshot={snapshot}", "--cis-json", str(findings), "--junitxml", str(tmp / "pasted.xml")],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return [f["test_id"] for f in json.loads(findings.read_text())["findings"]]


def test_printed_ids_carry_the_versions_number_and_paste_back(pytester, moto, monkeypatch, tmp_path):
    monkeypatch.chdir(REPO)  # ids are relative to the rootdir, as a user pastes them there
    snapshot = tmp_path / "snapshot.json"
    result, findings, junit = audit(pytester, tmp_path, "all", "cis_checks", "--cis-controls", "3.3",
                                    f"--aws-snapshot-out={snapshot}")
    terminal = re.findall(r"^(cis_checks/\S+::\S+) (?:PASSED|FAILED|ERROR)", result.stdout.str(), re.M)

    assert len(findings) == 2 and all("cis_checks/test_logging.py::test_3_3_config_recording[" in i for i in findings)
    assert sorted(terminal) == sorted(findings) == sorted(junit_ids(junit))

    for printed in findings:
        assert pasted(snapshot, tmp_path, printed) == [printed]
    # -k finds the items by the version's number too
    assert sorted(pasted(snapshot, tmp_path, "cis_checks", "--cis-controls", "3.*", "-k", "test_3_3_")) == sorted(findings)
