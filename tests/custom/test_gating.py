"""Custom controls under the gate: waived and known by id, selected by --cis-controls,
--cis-level, markers and -k; and their reads counted once with the CIS controls' own."""
from __future__ import annotations

import json

import pytest

from pytest_cis_aws.aws import snapshot as snapshot_file
from tests.custom.estate import audit_examples, seed
from tests.harness import A, B


@pytest.fixture
def recorded(audit, moto, tmp_path):
    """One live run of the examples and CIS 5.6 (whose DescribeInstances ORG.2 reads too)."""
    seeded = seed(moto)
    path = tmp_path / "snapshot.json"
    run = audit_examples(audit, "ORG.*", "5.6", args=["--aws-snapshot-out", str(path)])
    return seeded, run, path


def test_each_distinct_call_once_and_counted_with_the_cis_controls(recorded):
    _, run, path = recorded
    calls = snapshot_file.read(path)["calls"]
    keys = [json.loads(key) for key in calls]
    # Made in the test bodies (ORG.1, ORG.3), recorded like every other read.
    assert sorted((k[0], k[1], k[3], k[4].get("Bucket")) for k in keys if k[3] in ("ListAccountAliases", "GetBucketTagging")) == [
        (A, "eu-west-1", "GetBucketTagging", "a-orphan"), (A, "global", "ListAccountAliases", None),
        (A, "us-east-1", "GetBucketTagging", "a-owned"), (B, "global", "ListAccountAliases", None),
        (B, "us-east-1", "GetBucketTagging", "b-cost-only")]
    # ORG.2 asks for the very DescribeInstances CIS 5.6 gathered: one call per account and region.
    assert sorted((k[0], k[1]) for k in keys if k[3] == "DescribeInstances") == [
        (A, "eu-west-1"), (A, "us-east-1"), (B, "eu-west-1"), (B, "us-east-1")]
    stats = run.document["aws_calls"]
    assert stats["calls"] == stats["distinct"] == len(calls)


def test_a_custom_control_is_waived_and_then_known_from_a_baseline(recorded, audit, tmp_path):
    seeded, first, path = recorded
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(first.document))
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(f'waivers:\n  - control: "ORG.1"\n    account: "{B}"\n    reason: alias comes with the rename\n'
                       f'    owner: platform\n    expires: 2099-12-31\n  - control: "ORG.*"\n'
                       f'    resource: "arn:aws:s3:::a-*"\n    reason: legacy buckets\n    owner: data\n'
                       f'    expires: 2099-12-31\n')
    run = audit_examples(audit, "ORG.*", args=["--aws-snapshot", str(path), "--cis-waivers", str(waivers)])
    assert run.one("ORG.1", account=B).status == "WAIVED"
    assert run.one("ORG.1", account=B).waiver == {"id": "#1", "reason": "alias comes with the rename",
                                                   "owner": "platform", "expires": "2099-12-31"}
    assert run.one("ORG.3", resource="arn:aws:s3:::a-orphan").status == "WAIVED"  # by the glob, waiver #2
    assert run.one("ORG.3", resource="arn:aws:s3:::b-cost-only").status == "FAIL"
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED

    run = audit_examples(audit, "ORG.*", args=["--aws-snapshot", str(path), "--cis-baseline", str(baseline)])
    assert {(f.control, f.status) for f in run.findings if f.status != "PASS"} == {
        ("ORG.1", "KNOWN"), ("ORG.2", "KNOWN"), ("ORG.3", "KNOWN")}
    assert run.one("ORG.2", account=B, region="eu-west-1").message == (
        f"account {B} runs EC2 instances in eu-west-1, which is not an approved region: {seeded.b_foreign_instance}")
    gating = run.document["gating"]
    assert (gating["new"], gating["known"], gating["fixed"]) == (0, 4, 0)
    assert run.result.ret == pytest.ExitCode.OK


SELECTIONS = {
    "--cis-controls": (("ORG.3",), [], {"ORG.3"}),
    "--cis-level 1": (("ORG.*",), ["--cis-level", "1"], {"ORG.1", "ORG.3"}),  # ORG.2 is level 2
    "-m section marker": (("ORG.*", "5.6"), ["-m", "org"], {"ORG.1", "ORG.2", "ORG.3"}),
    "-m custom": (("ORG.*", "5.6"), ["-m", "custom and level2"], {"ORG.2"}),
    "-m not custom": (("ORG.*", "5.6"), ["-m", "not custom"], {"5.6"}),
    "-k": (("ORG.*", "5.6"), ["-k", "test_org_1_ or bucket/a-owned"], {"ORG.1", "ORG.3"}),
}


def test_custom_controls_are_selected_like_cis_controls(recorded, audit):
    _, _, path = recorded  # one live run; every selection replays it
    for name, (controls, args, selected) in SELECTIONS.items():
        run = audit_examples(audit, *controls, args=["--aws-snapshot", str(path), *args])
        assert {f.control for f in run.findings} == selected, name
    assert [f.resource for f in run.of("ORG.3")] == ["arn:aws:s3:::a-owned"]  # -k, the last
    assert run.document["gating"]["deselected"] == ["5.6", "ORG.2"]
