"""The endpoint stops answering mid-run: the real CLI against a moto server behind a
proxy that dies after a number of requests."""
from __future__ import annotations

import json

from bench.seed import Counts, seed_estate
from pytest_cis_aws.demo.clients import EstateClients
from tests.harness import A, B
from tests.moto_server import MotoServerProcess, audit_args, cli_env, run_cli
from tests.trust.dying_proxy import DyingProxy

# Enough for the credential check, both role assumptions, the region lists and a few
# collectors: the rest of the run finds the endpoint gone.
ANSWERED = 30


def test_an_endpoint_that_dies_mid_run_leaves_errors_reports_and_a_failing_exit(tmp_path):
    server = MotoServerProcess().start()
    try:
        seed_estate(EstateClients(server.url), [A, B], ["us-east-1"], Counts(users=1, buckets=1, vpcs=0, security_groups=1, instances=1, trails=1))
        proxy = DyingProxy(server.url, answer=ANSWERED).start()
        html, snapshot = tmp_path / "report.html", tmp_path / "snapshot.json"
        run = run_cli(
            [*audit_args([A, B], ["us-east-1"]), "--aws-max-attempts", "2", "--aws-max-workers", "4",
             "--html", str(html), "--aws-snapshot-out", str(snapshot)],
            cli_env(proxy.url),
            tmp_path,
            timeout=240,
        )
    finally:
        server.stop()
    assert proxy.answered == ANSWERED and proxy.refused > 0
    # failed, not an internal error (3) or a usage error (4)
    assert run.returncode not in (0, 3, 4), run.stdout[-3000:] + run.stderr[-3000:]
    assert "INTERNALERROR" not in run.stdout + run.stderr
    assert run.findings is not None and html.is_file() and snapshot.is_file()
    errors = [f for f in run.findings["findings"] if f["status"] == "ERROR"]
    assert errors, "the controls the endpoint never answered for must be errors"
    connection_codes = ("EndpointConnectionError", "ConnectionClosedError", "ProtocolError", "ReadTimeoutError")
    lost = [f for f in errors if any(code in f["message"] for code in connection_codes)]
    # Most errors are the lost endpoint; a few are moto's own gaps (a 500 for a service
    # the bare moto server does not serve), present with or without the outage.
    assert len(lost) > len(errors) / 2, [f["message"] for f in errors if f not in lost][:5]
    assert all(f"account {f['account']}" in f["message"] for f in errors)
    assert json.loads(snapshot.read_text())["format"] == "cis-aws-snapshot/1"
    assert "CIS compliance summary" in run.stdout
