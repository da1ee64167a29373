"""The real `pytest` CLI against a moto server subprocess: two accounts, two regions.

One server, seeded once, audited three ways: serial, with -n 2, and replayed from the
snapshot the serial run recorded with no endpoint at all.
"""
from __future__ import annotations

import re

import pytest

from pytest_cis_aws.demo.clients import EstateClients
from tests.harness import A, B
from tests.moto_server import MotoServerProcess, audit_args, cli_env, run_cli

REGIONS = ["us-east-1", "eu-west-1"]

# One server and three CLI runs shared by every test here: keep them on one xdist worker.
pytestmark = pytest.mark.xdist_group("end-to-end")


@pytest.fixture(scope="module")
def server():
    server = MotoServerProcess().start()
    clients = EstateClients(server.url)
    iam = clients.client("iam", B)
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password="Passw0rd!Passw0rd!")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def runs(server, tmp_path_factory):
    serial_dir = tmp_path_factory.mktemp("serial")
    snapshot = serial_dir / "snapshot.json"
    args = audit_args([A, B], REGIONS)
    serial = run_cli([*args, "--aws-snapshot-out", str(snapshot)], cli_env(server.url), serial_dir)
    parallel = run_cli([*args, "-n", "2"], cli_env(server.url), tmp_path_factory.mktemp("parallel"))
    # Replay: the endpoint is a closed port, so any AWS call would fail.
    replay = run_cli(
        ["--aws-snapshot", str(snapshot)], cli_env("http://127.0.0.1:9"), tmp_path_factory.mktemp("replay")
    )
    return serial, parallel, replay


def outcomes(run) -> dict[str, tuple[str, str]]:
    return {f["test_id"]: (f["status"], f["message"]) for f in run.findings["findings"]}


def test_findings_file_describes_the_estate(runs):
    serial, _, _ = runs
    document = serial.findings
    assert document["benchmark"] == "CIS AWS Foundations Benchmark v2.0.0"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["generated"])
    assert [(a["id"], a["integrated"], a["error"], a["regions"]) for a in document["accounts"]] == [
        (A, True, None, REGIONS[::-1]),
        (B, True, None, REGIONS[::-1]),
    ]
    statuses = {f["status"] for f in document["findings"]}
    assert statuses <= {"PASS", "FAIL", "ERROR", "MANUAL"}
    first = document["findings"][0]
    assert set(first) >= {"control", "title", "level", "account", "region", "resource", "status", "message"}
    assert document["aws_calls"]["calls"] == document["aws_calls"]["distinct"] > 0


def test_terminal_summary_matches_findings(runs):
    serial, _, _ = runs
    totals = serial.findings["totals"]
    assert serial.returncode in (0, 1), serial.stdout + serial.stderr
    line = (
        f"Accounts integrated: 2 of 2   Resources scanned: {totals['resources_scanned']}   "
        f"Failed: {totals['failed']}   Passed: {totals['passed']}"
    )
    assert line in serial.stdout
    assert re.search(r"^Section\s+Title\s+Failed\s+Passed", serial.stdout, re.M)
    # Failed, Passed (and Errors, when any control errored: moto has no Access Analyzer), and the score.
    assert re.search(r"^1\.5\s+Ensure MFA is enabled for the 'root' user account\s+2\s+0(\s+0)?\s+0\.0$", serial.stdout, re.M)
    assert "Traceback" not in serial.stdout + serial.stderr


def test_an_operation_the_endpoint_lacks_is_an_error_not_a_pass(runs):
    serial, _, _ = runs
    analyzers = [f for f in serial.findings["findings"] if f["control"] == "1.20"]
    assert {(f["account"], f["region"]) for f in analyzers} == {(a, r) for a in (A, B) for r in REGIONS}
    for finding in analyzers:
        assert finding["status"] == "ERROR"
        assert finding["message"].startswith(
            f"access-analyzer:ListAnalyzers failed in account {finding['account']}, region {finding['region']}: 500"
        )


def test_parallel_run_has_identical_ids_outcomes_and_calls(runs):
    serial, parallel, _ = runs
    assert "2 workers" in parallel.stdout
    assert outcomes(parallel) == outcomes(serial)
    assert parallel.findings["aws_calls"] == serial.findings["aws_calls"]


def test_replay_from_snapshot_needs_no_endpoint(runs):
    serial, _, replay = runs
    assert outcomes(replay) == outcomes(serial)
    assert replay.findings["accounts"] == serial.findings["accounts"]
    assert replay.findings["aws_calls"]["calls"] == 0
