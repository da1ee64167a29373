"""A custom control's findings are identical serial, under -n 2 and replayed from a snapshot,
with the same AWS calls: under xdist the reads its test body makes are made by the
controller's one cached reader (plugin/pytest_cis_aws/custom/remote.py), not by the workers."""
from __future__ import annotations

from tests.custom.estate import audit_examples, seed

XDIST = ["-p", "xdist.plugin", "-n", "2"]


def findings(run) -> list[tuple]:
    return [(f.test_id, f.control, f.status, f.message, f.evidence) for f in run.findings]


def test_serial_parallel_and_replayed_findings_and_calls_are_identical(audit, moto, tmp_path):
    seed(moto)
    snapshot = tmp_path / "snapshot.json"
    serial = audit_examples(audit, "ORG.*", "5.6", args=["--aws-snapshot-out", str(snapshot)])
    parallel = audit_examples(audit, "ORG.*", "5.6", args=XDIST)
    replayed = audit_examples(audit, "ORG.*", "5.6", args=["--aws-snapshot", str(snapshot), *XDIST])
    assert "created: 2/2 workers" in parallel.output and "created: 2/2 workers" in replayed.output

    assert {f.control for f in serial.findings} == {"ORG.1", "ORG.2", "ORG.3", "5.6"}
    assert {f.status for f in serial.findings} == {"PASS", "FAIL"}
    assert findings(parallel) == findings(serial)
    assert findings(replayed) == findings(serial)
    # The same calls, each made once: the in-body reads of -n 2 were the controller's.
    assert parallel.document["aws_calls"] == serial.document["aws_calls"]
    assert serial.document["aws_calls"]["calls"] == serial.document["aws_calls"]["distinct"] > 0
    assert replayed.document["aws_calls"] == {"calls": 0, "distinct": 0, "requests": 0}
