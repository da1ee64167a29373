"""Output paths that cannot be written (issue 19, defect 2): a folder, or a path below a
regular file. A one-line usage error at configure time, before any AWS call, for every
output option of a run and of cis-merge; it used to be a traceback after the whole audit."""
from __future__ import annotations

from pathlib import Path

import pytest

from pytest_cis_aws import merge
from pytest_cis_aws.report import paths
from tests.harness import CHECKS_DIR

RUN_OPTIONS = ("--cis-json", "--cis-csv", "--cis-md", "--cis-ocsf", "--cis-asff", "--html", "--aws-snapshot-out",
               "--junitxml")
MERGE_OPTIONS = ("--cis-json", "--json", "--html", "--cis-csv", "--cis-md", "--cis-ocsf", "--cis-asff")


@pytest.fixture
def bad_paths(tmp_path):
    """A folder, the same with a trailing slash, and a path below a regular file."""
    (tmp_path / "reports").mkdir()
    (tmp_path / "notes.txt").write_text("a file")
    return {
        str(tmp_path / "reports"): "is a folder; give a file name",
        str(tmp_path / "reports") + "/": "is a folder; give a file name",
        str(tmp_path / "notes.txt" / "out.json"): f"{tmp_path / 'notes.txt'} is a file, not a folder",
        str(tmp_path / "notes.txt" / "deeper" / "out.json"): f"{tmp_path / 'notes.txt'} is a file, not a folder",
    }


def test_the_rule(tmp_path, bad_paths):
    for path, reason in bad_paths.items():
        assert paths.problem(path) == reason
    assert paths.problem(str(tmp_path / "new" / "folders" / "out.json")) is None  # writers create folders
    assert paths.problem(str(tmp_path / "notes.txt")) is None  # overwritten, as before


@pytest.mark.parametrize("option", RUN_OPTIONS)
def test_a_run_refuses_at_configure(aws_env, pytester, bad_paths, option):
    for path, reason in bad_paths.items():
        result = pytester.runpytest_inprocess(
            str(CHECKS_DIR), "--aws-demo", "-p", "pytest_cis_aws.entry", "-p", "pytest_html.plugin",
            "-p", "pytest_metadata.plugin", "-p", "no:cacheprovider", f"{option}={path}",
        )
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        errors = [line for line in result.stderr.lines if line.strip()]
        if option == "--junitxml" and reason.startswith("is a folder"):
            assert len(errors) == 1 and errors[0].startswith("ERROR: --junitxml")  # pytest's own sentence
        else:
            assert errors == [f"ERROR: {option} {Path(path)}: {reason}"]
        assert "Traceback" not in result.stdout.str() and "CIS compliance summary" not in result.stdout.str()


@pytest.mark.parametrize("option", MERGE_OPTIONS)
def test_cis_merge_refuses_before_reading_the_shards(tmp_path, bad_paths, capsys, option):
    for path, reason in bad_paths.items():
        # The shard does not even exist: the output paths are checked first.
        assert merge.main([str(tmp_path / "no-such-shard.json"), option, path]) == merge.USAGE_ERROR
        out, err = capsys.readouterr()
        shown = "--cis-json" if option == "--json" else option
        assert (out, err) == ("", f"cis-merge: error: {shown} {Path(path)}: {reason}\n")
