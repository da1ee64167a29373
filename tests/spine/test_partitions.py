"""Partitions: an audit of a GovCloud or China estate runs end to end on moto, and every ARN
and region list the suite builds comes from the caller's partition."""
from __future__ import annotations

import json

import pytest

from pytest_cis_aws.demo.seed.section2 import create_bucket
from tests.harness import A, ROLE


class AssumedRoles:
    """Records the role ARNs the audit assumes (sts:AssumeRole through the base session)."""

    def __init__(self):
        self.arns: list[str] = []

    def pytest_cis_configure_session(self, session, account):
        if account == "base":
            session.events.register("before-parameter-build.sts.AssumeRole", self._record)

    def _record(self, params, **_):
        self.arns.append(params["RoleArn"])


@pytest.mark.parametrize(("region", "partition"), [("us-gov-west-1", "aws-us-gov"), ("cn-north-1", "aws-cn")])
def test_an_estate_in_another_partition_is_audited_end_to_end(audit, moto, monkeypatch, region, partition):
    monkeypatch.setenv("AWS_DEFAULT_REGION", region)
    for name in ("guarded", "open"):
        create_bucket(moto, A, region, name)
    policy = {"Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:{partition}:s3:::guarded", f"arn:{partition}:s3:::guarded/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }]}
    moto.client("s3", A, region).put_bucket_policy(Bucket="guarded", Policy=json.dumps(policy))
    roles = AssumedRoles()

    run = audit(accounts=[A], regions=[region], plugins=[roles])

    assert roles.arns == [f"arn:{partition}:iam::{A}:role/{ROLE}"]
    assert [(a["id"], a["regions"], a["skipped_regions"]) for a in run.document["accounts"]] == [(A, [region], {})]
    guarded, open_ = (run.one("2.1.1", resource=f"arn:{partition}:s3:::{name}") for name in ("guarded", "open"))
    assert (guarded.status, guarded.message) == ("PASS", "")
    assert (open_.status, open_.message) == ("FAIL", (
        "the policy of S3 bucket open does not deny requests made without TLS "
        '(a Deny to "*" on s3:* for its objects when aws:SecureTransport is false)'
    ))
    acls = run.of("5.1")
    assert acls and all(f.resource.startswith(f"arn:{partition}:ec2:{region}:{A}:network-acl/") for f in acls)
    assert {f.region for f in run.findings} <= {region, "global"}
    errors = [(f.control, f.message) for f in run.findings if f.status == "ERROR"]
    assert errors == []
    assert len({f.control for f in run.findings}) > 40  # the whole benchmark ran, not a handful of controls


def test_the_region_list_is_the_partitions_own(audit, moto, monkeypatch):
    """Without --aws-regions, the enabled regions of the caller's partition are audited (moto's
    DescribeRegions lists every partition's regions; AWS lists the caller's)."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-gov-west-1")
    run = audit("2.2.1", accounts=[A], regions=())
    assert run.document["accounts"][0]["regions"] == ["us-gov-east-1", "us-gov-west-1"]
