"""Baseline: a second run against the first run's findings shows new, known and fixed."""
from __future__ import annotations

import json

import pytest

from pytest_cis_aws.finding import Finding
from pytest_cis_aws.gating import baseline
from tests.gating.estate import key_message, mfa_message, root_access_key, root_mfa
from tests.harness import A, B


def test_second_run_reports_new_known_and_fixed(audit, moto, tmp_path):
    root_access_key(moto, A)  # 1.4 fails in A and B, 1.5 fails in A, passes in B
    root_access_key(moto, B)
    root_mfa(moto, B)
    first = audit("1.4", "1.5", accounts=[A, B])
    assert sorted((f.control, f.account, f.status) for f in first.findings) == [
        ("1.4", A, "FAIL"), ("1.4", B, "FAIL"), ("1.5", A, "FAIL"), ("1.5", B, "PASS")]
    known_file = tmp_path / "baseline.json"
    known_file.write_text(json.dumps(first.document))

    root_access_key(moto, B, present=False)  # fixed since the baseline
    root_mfa(moto, B, enabled=False)  # a new failure
    second = audit("1.4", "1.5", accounts=[A, B], args=["--cis-baseline", str(known_file)])

    assert [(f.control, f.account, f.status, f.message) for f in second.findings] == [
        ("1.4", A, "KNOWN", key_message(A)),
        ("1.4", B, "PASS", ""),
        ("1.5", A, "KNOWN", mfa_message(A)),
        ("1.5", B, "FAIL", mfa_message(B)),
    ]
    gating = second.document["gating"]
    assert (gating["new"], gating["known"], gating["fixed"]) == (1, 2, 1)
    assert second.document["totals"]["known"] == 2 and second.document["totals"]["failed"] == 1
    assert f"Against the baseline {known_file}: New: 1   Known: 2   Fixed: 1" in second.output
    second.result.assert_outcomes(passed=1, failed=1, xfailed=2)
    assert second.result.ret == pytest.ExitCode.TESTS_FAILED  # the new failure fails the run

    # The second run as baseline: nothing new, so the gate opens.
    again_file = tmp_path / "again.json"
    again_file.write_text(json.dumps(second.document))
    third = audit("1.4", "1.5", accounts=[A, B], args=["--cis-baseline", str(again_file)])
    assert (third.document["gating"]["new"], third.document["gating"]["known"], third.document["gating"]["fixed"]) \
        == (0, 3, 0)
    assert third.result.ret == pytest.ExitCode.OK


def test_baseline_keys_ignore_the_path_of_the_test_file(tmp_path):
    entry = {"control": "1.4", "check": "1.4", "account": A, "region": "global", "resource": A, "status": "FAIL",
             "test_id": f"cis_checks/test_iam.py::test_1_4_x[{A}-global-account]"}
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({"findings": [entry]}))
    moved = Finding.from_json({**entry, "test_id": f"../../work/main/cis_checks/test_iam.py::test_1_4_x[{A}-global-account]"})
    assert baseline.load(path).knows(moved.identity)


@pytest.mark.parametrize("text, problem", [
    ("not json", "is not JSON (Expecting value: line 1 column 1 (char 0))"),
    ('{"totals": {}}', "is not a findings file (no 'findings' list)"),
    ('{"findings": [{"control": "1.4"}]}', ", finding 1 lacks control, status or test_id"),
    ('{"findings": [{"control": "1.4", "status": "FAIL", "test_id": "t"}]}', ", finding 1 lacks account, region or resource"),
])
def test_unusable_baseline_file(tmp_path, text, problem):
    path = tmp_path / "baseline.json"
    path.write_text(text)
    with pytest.raises(baseline.BaselineFileError) as raised:
        baseline.load(path)
    separator = "" if problem.startswith(",") else " "
    assert str(raised.value) == f"--cis-baseline: {path}{separator}{problem}"
