"""The history file and cis-merge's --cis-oscal, --cis-history and --cis-history-keep, on
findings files written by hand (no AWS, no pytest run)."""
from __future__ import annotations

import json

import pytest

from pytest_cis_aws import merge
from pytest_cis_aws.report import history, outputs, trend

A, B = "111111111111", "222222222222"


def findings_file(path, statuses: dict[str, str], generated="2026-01-02T03:04:05Z"):
    """A findings file of control 1.4 (root access keys) in accounts A and B."""
    findings = [{"control": "1.4", "title": "Ensure no 'root' user account access key exists", "level": 1,
                 "check": "1.4", "assessment": "Automated", "account": account, "region": "global",
                 "resource": account, "status": status, "message": "", "test_id": f"t.py::test_1_4[{account}-global-account]",
                 "waiver": None, "evidence": []} for account, status in statuses.items()]
    path.write_text(json.dumps({
        "benchmark_version": "2.0.0", "level": 2, "generated": generated, "controls": ["1.4"],
        "accounts": [{"id": a, "integrated": True, "error": None, "regions": ["us-east-1"], "skipped_regions": {}}
                     for a in statuses],
        "findings": findings}))
    return path


def test_cis_merge_writes_oscal_and_appends_one_record_keeping_the_last_n(tmp_path, capsys):
    log = tmp_path / "history.jsonl"
    for number, statuses in enumerate(({A: "FAIL", B: "PASS"}, {A: "FAIL", B: "FAIL"}, {A: "PASS", B: "FAIL"})):
        source = findings_file(tmp_path / f"run{number}.json", statuses)
        assert merge.main([str(source), "--cis-json", str(tmp_path / "m.json"), "--html", str(tmp_path / "m.html"),
                           "--cis-oscal", str(tmp_path / "m.oscal.json"), "--cis-history", str(log),
                           "--cis-history-keep", "2"]) == 1
    records = history.load(log)
    assert len(records) == 2  # the oldest of three dropped
    assert [r["score"] for r in records] == [0.0, 50.0] and [r["accounts"] for r in records] == [
        {A: 0.0, B: 0.0}, {A: 100.0, B: 0.0}]
    drawn = trend.build(records, "2.0.0")
    assert [(c.new, c.fixed) if c else None for c in drawn.changes] == [None, (0, 1)]
    oscal = json.loads((tmp_path / "m.oscal.json").read_text())["assessment-results"]
    assert [f["target"]["target-id"] for f in oscal["results"][0]["findings"]] == ["cis-1.4"]
    page = (tmp_path / "m.html").read_text()
    assert 'id="cis-trend-overall"' in page and page.count('class="cis-trend__point"') == 2


def test_other_benchmark_versions_are_drawn_apart(tmp_path):
    runs = [{"run": "a", "date": "2026-01-01T00:00:00Z", "benchmark": "2.0.0", "score": 50.0, "failing": []},
            {"run": "b", "date": "2026-01-02T00:00:00Z", "benchmark": "5.0.0", "score": 40.0, "failing": ["x"]},
            {"run": "c", "date": "2026-01-03T00:00:00Z", "benchmark": "2.0.0", "score": 60.0, "failing": []}]
    drawn = trend.build(runs, "2.0.0")
    assert [r["run"] for r in drawn.runs] == ["a", "c"] and list(drawn.others) == ["5.0.0"]
    (version, svg), = drawn.others_svg
    assert version == "5.0.0" and 'id="cis-trend-v5.0.0"' in svg and 'data-score="40.0"' in svg


@pytest.mark.parametrize("content, problem", [
    ("not json\n", "line 1 is not a history record of this suite"),
    ('{"run": "a", "date": "d", "benchmark": "2.0.0", "score": "<b>", "failing": []}\n', "line 1 is not"),
])
def test_a_bad_history_file_is_one_line_and_exit_4(tmp_path, capsys, content, problem):
    log = tmp_path / "history.jsonl"
    log.write_text(content)
    source = findings_file(tmp_path / "run.json", {A: "PASS"})
    assert merge.main([str(source), "--cis-json", str(tmp_path / "m.json"), "--html", str(tmp_path / "m.html"),
                       "--cis-history", str(log)]) == merge.USAGE_ERROR
    err = capsys.readouterr().err
    assert problem in err and err.count("\n") == 1
    assert log.read_text() == content  # left as it was


@pytest.mark.parametrize("value, problem", [("0", "--cis-history-keep must be at least 1"),
                                            ("many", "--cis-history-keep must be a whole number, not 'many'")])
def test_a_bad_keep_count_is_refused_by_a_run_and_by_cis_merge(tmp_path, capsys, pytester, aws_env, value, problem):
    with pytest.raises(outputs.SettingError, match=problem):
        outputs.context("", lambda dest: value if dest == "cis_history_keep" else None)
    source = findings_file(tmp_path / "run.json", {A: "PASS"})
    assert merge.main([str(source), "--cis-history-keep", value]) == merge.USAGE_ERROR
    assert problem in capsys.readouterr().err
    from tests.harness import CHECKS_DIR

    result = pytester.runpytest_inprocess(str(CHECKS_DIR), "-p", "pytest_cis_aws.entry", "-p", "no:cacheprovider",
                                          "--aws-demo", "--cis-history-keep", value)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert problem in result.stderr.str()
