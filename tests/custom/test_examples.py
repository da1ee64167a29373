"""The example controls (examples/org_controls) on moto: both outcomes, exact messages,
the metadata they take from code and from controls.yaml, and their evidence."""
from __future__ import annotations

from tests.custom.estate import audit_examples, seed
from tests.harness import A, B


def test_example_controls_pass_and_fail_with_exact_messages(audit, moto):
    seeded = seed(moto)
    run = audit_examples(audit)

    # ORG.1, one unit per account.
    assert [(f.test_id.split("::")[1], f.status, f.message) for f in run.of("ORG.1")] == [
        (f"test_org_1_account_alias[{A}-global-account]", "PASS", f"account {A} is team-a-prod"),
        (f"test_org_1_account_alias[{B}-global-account]", "FAIL", f"account {B} has no account alias"),
    ]
    # ORG.2, one unit per account and region.
    assert run.statuses("ORG.2") == {
        f"{A}-eu-west-1": "PASS", f"{A}-us-east-1": "PASS", f"{B}-eu-west-1": "FAIL", f"{B}-us-east-1": "PASS"}
    assert run.one("ORG.2", status="FAIL").message == (
        f"account {B} runs EC2 instances in eu-west-1, which is not an approved region: {seeded.b_foreign_instance}")
    # ORG.3, one unit per bucket, in the bucket's own region.
    assert [(f.region, f.resource, f.status, f.message) for f in run.of("ORG.3")] == [
        ("eu-west-1", "arn:aws:s3:::a-orphan", "FAIL", "S3 bucket a-orphan has no owner tag"),
        ("us-east-1", "arn:aws:s3:::a-owned", "PASS", "S3 bucket a-owned is owned by team-a"),
        ("us-east-1", "arn:aws:s3:::b-cost-only", "FAIL", "S3 bucket b-cost-only has no owner tag"),
    ]
    assert run.one("ORG.3", resource="arn:aws:s3:::a-orphan").test_id == (
        f"examples/org_controls/test_org_controls.py::test_org_3_bucket_owner_tag[{A}-eu-west-1-bucket/a-orphan]")

    # Metadata: ORG.1 and ORG.2 from controls.yaml, ORG.3 from its decorator; no benchmark label.
    assert [(f.control, f.title, f.level, f.check, f.assessment) for f in (
        run.one("ORG.1", account=A), run.one("ORG.2", account=A, region="us-east-1"),
        run.one("ORG.3", resource="arn:aws:s3:::a-owned"))] == [
        ("ORG.1", "Ensure every account has an account alias", 1, "ORG.1", ""),
        ("ORG.2", "Ensure EC2 instances run only in approved regions", 2, "ORG.2", ""),
        ("ORG.3", "Ensure every S3 bucket names its owner in an owner tag", 1, "ORG.3", ""),
    ]
    # Evidence, as the controls recorded it.
    assert run.one("ORG.1", account=A).evidence == [
        {"source": "iam:ListAccountAliases", "fields": {"AccountAliases": ["team-a-prod"]}}]
    assert run.one("ORG.2", status="FAIL").evidence == [{"source": "ec2:DescribeInstances", "fields": {
        "InstanceIds": [seeded.b_foreign_instance], "approved_regions": ["us-east-1"]}}]
    assert run.one("ORG.3", resource="arn:aws:s3:::b-cost-only").evidence == [
        {"source": "s3:GetBucketTagging", "fields": {"TagSet": {"cost-centre": "42"}}}]

    # The terminal summary: a section of their own after the benchmark's, with its score.
    assert "ORG     Organisation controls" in run.output
    assert run.document["controls"] == ["ORG.1", "ORG.2", "ORG.3"]
    assert run.document["scores"]["sections"]["ORG"] == {
        "percent": 55.6, "passed": 5, "failed": 4, "errors": 0, "manual": 0, "waived": 0, "known": 0, "not_applicable": 0}
