"""cis-diff on hand-written findings files: every list, the gate, versions, bad input."""
from __future__ import annotations

import json

import pytest

from pytest_cis_aws import diff

A, B = "111111111111", "222222222222"
HOSTILE = "arn:aws:s3:::<img src=x onerror=alert(1)>"


def unit(control, account, status, resource=None, check=None, region="global", **extra):
    return {"control": control, "check": check or f"c{control}", "account": account, "region": region,
            "resource": resource or f"arn:aws:iam::{account}:root", "status": status, "test_id": "x", **extra}


def write(path, findings, version="2.0.0"):
    path.write_text(json.dumps({"benchmark_version": version, "findings": findings}))
    return path


@pytest.fixture
def files(tmp_path):
    old = write(tmp_path / "old.json", [
        unit("1.4", A, "FAIL"),  # fixed
        unit("1.5", A, "FAIL"),  # still failing
        unit("1.5", B, "PASS"),  # new failure
        unit("1.6", B, "WAIVED"),  # still failing, as an error
        unit("2.1", A, "PASS", resource="arn:aws:s3:::gone"),  # disappeared
    ])
    new = write(tmp_path / "new.json", [
        unit("1.4", A, "PASS"),
        unit("1.5", A, "KNOWN"),
        unit("1.5", B, "FAIL", owner="team-b"),
        unit("1.6", B, "FAIL", owner="team-b"),  # the waiver lapsed: FAIL now, a new failure
        unit("2.1", A, "FAIL", resource=HOSTILE),  # appears already failing
        unit("2.1", B, "PASS", resource="arn:aws:s3:::fresh"),  # appears passing
    ])
    return old, new


def test_lists_counts_splits_and_gate(files, tmp_path, capsys):
    old, new = files
    md, js = tmp_path / "diff.md", tmp_path / "diff.json"
    assert diff.main([str(old), str(new), "--cis-md", str(md), "--cis-json", str(js)]) == 1
    document = json.loads(js.read_text())
    keys = {name: [(u["control"], u["account"], u["status"]) for u in document[name]] for name in diff.LISTS}
    assert keys == {
        "new": [("2.1", A, "FAIL"), ("1.5", B, "FAIL"), ("1.6", B, "FAIL")],
        "fixed": [("1.4", A, "PASS")],
        "still_failing": [("1.5", A, "KNOWN")],
        "appeared": [("2.1", A, "FAIL"), ("2.1", B, "PASS")],
        "disappeared": [("2.1", A, "PASS")],
    }
    assert set(document["new"][0]) == {"control", "check", "account", "region", "resource", "status"}
    assert document["new"][1]["owner"] == "team-b"
    assert document["compared_by"] == "control"
    assert document["per_account"][B] == {"new": 2, "fixed": 0, "still_failing": 0, "appeared": 1, "disappeared": 0}
    assert document["per_control"]["2.1"]["appeared"] == 2
    assert document["per_owner"]["team-b"]["new"] == 2
    text = md.read_text()
    assert "**Gate failed**" in text and "### Per owner" in text and "| team-b | 2 |" in text
    assert "<img" not in text.replace("\\<img", "") and r"\<img src=x onerror=alert\(1\)\>" in text  # escaped for a PR comment
    out = capsys.readouterr().out
    assert "new failures and errors: 3, fixed: 1, still failing: 1, appeared: 2, disappeared: 1" in out


def test_no_new_failure_exits_0(files, capsys):
    old, new = files
    assert diff.main([str(new), str(new)]) == 0
    assert "still failing: 4" in capsys.readouterr().out


def test_versions_are_compared_by_check_and_the_output_says_so(tmp_path, capsys):
    old = write(tmp_path / "old.json", [unit("1.4", A, "FAIL", check="root-keys")], version="2.0.0")
    new = write(tmp_path / "new.json", [unit("2.3", A, "FAIL", check="root-keys")], version="5.0.0")
    out_json = tmp_path / "d.json"
    assert diff.main([str(old), str(new), "--cis-json", str(out_json)]) == 0  # the same unit, renumbered
    document = json.loads(out_json.read_text())
    assert document["compared_by"] == "check" and document["still_failing"][0]["control"] == "2.3"
    assert "units are matched by check" in capsys.readouterr().out


@pytest.mark.parametrize("content, message", [
    (None, "cannot read"),
    ("{", "is not JSON"),
    ('{"findings": 1}', "is not a findings file"),
    ('{"findings": [{"control": "1.4"}]}', "finding 1 lacks one of control, account, region, resource, status"),
])
def test_bad_input_is_one_line_and_exit_4(tmp_path, capsys, content, message, files):
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content)
    assert diff.main([str(files[0]), str(bad)]) == diff.USAGE_ERROR
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("cis-diff: error: ")


def test_bad_arguments_exit_4(capsys):
    with pytest.raises(SystemExit) as exited:
        diff.main(["only-one.json"])
    assert exited.value.code == diff.USAGE_ERROR
