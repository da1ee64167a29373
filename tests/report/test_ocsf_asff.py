"""OCSF and ASFF records built from a hand-made summary state (no AWS, no pytest run)."""
from __future__ import annotations

import json
from dataclasses import replace

from pytest_cis_aws.report import asff, exchange, ocsf
from tests.report import exchange as check
from pytest_cis_aws.finding import evidence_from_text
from tests.findings import as_finding
from tests.report.test_renderers import A, B, BLOCK, FLOW_LOGS, MARKUP, ROOT_KEY, properties, sample_state

BUCKET = "arn:aws:s3:::app-logs"


def by_status(items, status_of) -> dict:
    return {status_of(item): item for item in items}


def labelled_state():
    """The renderers' sample state, with the labels units carry ("bucket/<name>")."""
    state = sample_state()
    state.findings = [replace(found, label="bucket/" + found.resource.rsplit(":", 1)[1])
                      if found.resource.startswith("arn:aws:s3:::") else found for found in state.findings]
    return state


def test_every_ocsf_record_validates_and_says_what_the_finding_says():
    state = labelled_state()
    records = list(ocsf.records(state))
    assert len(records) == len(state.findings)
    for record in records:
        check.validate_ocsf(record)
    failed = next(r for r in records if r["status_code"] == "FAIL")
    assert (failed["class_uid"], failed["category_uid"], failed["type_uid"], failed["activity_id"]) == (2003, 2, 200301, 1)
    assert failed["compliance"]["standards"] == ["CIS AWS Foundations Benchmark v2.0.0"]
    assert failed["compliance"]["control"] == "2.1.4" and failed["compliance"]["status_id"] == 3
    assert failed["compliance"]["checks"][0] == {
        "uid": "2.1.4", "name": BLOCK.title, "version": "2.0.0", "standards": ["CIS AWS Foundations Benchmark v2.0.0"],
        "severity": "Level 1", "severity_id": 3, "status": "Fail", "status_id": 3}
    assert (failed["severity_id"], failed["severity"]) == (3, "Medium")
    assert failed["resources"] == [{"uid": BUCKET, "name": "app-logs", "type": "AwsS3Bucket",
                                    "cloud_partition": "aws", "region": "us-east-1"}]
    assert failed["cloud"]["account"]["uid"] == A and failed["cloud"]["region"] == "us-east-1"
    assert failed["message"] == f"bucket app-logs {MARKUP} allows public access"
    # The resource's own fix first (ASFF keeps 512 characters), then the control's steps.
    assert failed["remediation"]["desc"].startswith("For this resource: aws s3api put-public-access-block --bucket app-logs")
    assert "\nIn the AWS console: 1. Open the S3 console" in failed["remediation"]["desc"]
    assert failed["metadata"]["version"].startswith("1.") and failed["metadata"]["profiles"] == ["cloud"]

    statuses = {r["status_code"]: r for r in records}
    assert {s: (r["compliance"]["status_id"], r["status"]) for s, r in statuses.items()} == {
        "PASS": (1, "New"), "FAIL": (3, "New"), "ERROR": (2, "New"), "MANUAL": (0, "New"), "WAIVED": (3, "Suppressed")}
    assert statuses["PASS"]["severity"] == "Informational" and "remediation" not in statuses["PASS"]
    assert "remediation" not in statuses["ERROR"]  # access, not the resource, needs fixing


def test_ocsf_file_is_json_lines(tmp_path):
    path = tmp_path / "out" / "findings.ocsf.jsonl"
    ocsf.write(sample_state(), path)
    records = check.ocsf_records(path)
    assert len(records) == len(path.read_text().splitlines()) == len(sample_state().findings)


def test_asff_validates_against_batch_import_findings_and_maps_statuses(tmp_path):
    state = labelled_state()
    state.findings = [f for f in state.findings if f.status != "WAIVED"]
    waived = properties(BLOCK, B, "WAIVED", "arn:aws:s3:::legacy", "bucket legacy allows public access")
    waived.update(waiver="#1", waiver_reason="vendor drop box", waiver_owner="data-team", waiver_expires="2027-01-31",
                  label="bucket/legacy")
    state.add(as_finding(waived))
    path = tmp_path / "findings.asff.json"
    asff.write(state, path, "eu-west-1")
    found = check.asff_findings(path)
    check.validate_asff(found)
    assert len(found) == len(state.findings)
    statuses = by_status(found, lambda f: f["ProductFields"]["pytest-cis-aws/status"])
    assert {s: (f["Compliance"]["Status"], f["Workflow"]["Status"], f["RecordState"]) for s, f in statuses.items()} == {
        "PASS": ("PASSED", "RESOLVED", "ACTIVE"), "FAIL": ("FAILED", "NEW", "ACTIVE"),
        "ERROR": ("NOT_AVAILABLE", "NEW", "ACTIVE"), "MANUAL": ("WARNING", "NEW", "ACTIVE"),
        "WAIVED": ("FAILED", "SUPPRESSED", "ACTIVE")}
    assert statuses["WAIVED"]["ProductFields"]["pytest-cis-aws/waiver"] == \
        "#1 (owner data-team, expires 2027-01-31): vendor drop box"
    failed = statuses["FAIL"]
    assert failed["ProductArn"] == f"arn:aws:securityhub:eu-west-1:{A}:product/{A}/default"
    assert failed["AwsAccountId"] == A and failed["Severity"] == {"Label": "MEDIUM", "Original": "Level 1"}
    assert failed["Compliance"]["RelatedRequirements"] == ["CIS AWS Foundations Benchmark v2.0.0/2.1.4"]
    assert failed["GeneratorId"] == "pytest-cis-aws/cis-aws-foundations-benchmark/v2.0.0/2.1.4"
    assert failed["ProductFields"]["pytest-cis-aws/check"] == "2.1.4"
    assert failed["Resources"] == [{"Type": "AwsS3Bucket", "Id": BUCKET, "Partition": "aws", "Region": "us-east-1"}]
    assert statuses["PASS"]["Severity"]["Label"] == "INFORMATIONAL"


def test_resource_types_follow_the_unit():
    def typed(label, resource=A):  # an account-level unit's resource is its account id
        found = as_finding({"label": label, "resource": resource, "account": A})
        return exchange.resource_type(found), exchange.resource_id(found)

    user = f"arn:aws:iam::{A}:user/alice"
    assert typed("user/alice", user) == ("AwsIamUser", user)
    assert typed("user/alice/access-key/AKIAEXAMPLE", "AKIAEXAMPLE") == ("AwsIamAccessKey", "AKIAEXAMPLE")
    # a resource with no ARN takes its partition from its region, else from where it is imported
    assert exchange.partition(as_finding({"resource": "AKIAEXAMPLE", "region": "global"}), default="aws-us-gov") == "aws-us-gov"
    assert exchange.partition(as_finding({"resource": A, "region": "cn-north-1"})) == "aws-cn"
    assert exchange.partition(as_finding({"resource": "arn:aws-us-gov:s3:::b", "region": "global"})) == "aws-us-gov"
    assert typed("security-group/sg-1", "arn:aws:ec2:us-east-1:1:security-group/sg-1")[0] == "AwsEc2SecurityGroup"
    assert typed("bucket/b", "arn:aws:s3:::b") == ("AwsS3Bucket", "arn:aws:s3:::b")
    for label, kind in (("policy/p", "AwsIamPolicy"), ("trail/t", "AwsCloudTrailTrail"), ("key/k", "AwsKmsKey"),
                        ("vpc/v", "AwsEc2Vpc"), ("network-acl/a", "AwsEc2NetworkAcl"), ("instance/i", "AwsEc2Instance"),
                        ("db/d", "AwsRdsDbInstance"), ("efs/f", "AwsEfsFileSystem"), ("server-certificate/c", "Other")):
        assert typed(label, "arn:x")[0] == kind
    for label in ("account", "ebs-defaults", "config", "securityhub", ""):
        assert typed(label) == ("AwsAccount", f"AWS::::Account:{A}")
    assert typed("thing/x", "arn:aws:new:us-east-1:1:thing/x") == ("Other", "arn:aws:new:us-east-1:1:thing/x")


def test_finding_ids_are_stable_per_version_control_and_unit():
    def uid(version="2.0.0", control="1.4", account=A, region="global", label="account", path="cis_checks/test_iam.py",
            function="test_1_4_no_root_access_key", status="FAIL"):
        test_id = f"{path}::{function}[{account}-{region}-{label}]"
        return exchange.finding_uid(version, as_finding({"control": control, "account": account, "region": region,
                                                         "label": label, "test_id": test_id, "status": status}))

    # Not the status, the message, where the checks live, nor the test function's name.
    assert uid() == uid(status="PASS") == uid(path="/elsewhere/cis_checks/test_iam.py") == uid(function="test_1_4_x")
    assert uid().startswith(f"pytest-cis-aws/v2.0.0/1.4/{A}/global/")
    different = [uid(), uid(version="3.0.0"), uid(control="1.5"), uid(account=B), uid(region="us-east-1"),
                 uid(label="user/alice")]
    assert len(set(different)) == len(different)


def test_evidence_goes_where_each_format_keeps_it():
    found = properties(ROOT_KEY, A, "FAIL", message="the password policy of account A requires 8 characters")
    found["evidence"] = json.dumps([  # as a report carries it (plugin/pytest_cis_aws/outcomes.py)
        {"source": "iam:GetAccountPasswordPolicy", "fields": {"MinimumPasswordLength": 8}},
        {"source": "s3:GetBucketPolicy", "fields": {"Statement": {"Effect": "Allow", "Action": "*"}}}])
    found = as_finding(found)
    record = ocsf.record(found, "2.0.0", {}, 0, "0")
    check.validate_ocsf(record)
    assert record["evidences"] == [
        {"api": {"operation": "iam:GetAccountPasswordPolicy"}, "data": {"MinimumPasswordLength": 8}},
        {"api": {"operation": "s3:GetBucketPolicy"}, "data": {"Statement": {"Effect": "Allow", "Action": "*"}}}]
    fields = asff.product_fields(found)
    assert fields["pytest-cis-aws/evidence/iam:GetAccountPasswordPolicy/MinimumPasswordLength"] == "8"
    assert fields["pytest-cis-aws/evidence/s3:GetBucketPolicy/Statement"] == '{"Action": "*", "Effect": "Allow"}'
    # Security Hub keeps at most 50 product fields: what does not fit is counted, not dropped silently.
    found = replace(found, evidence=evidence_from_text(
        json.dumps([{"source": "ec2:DescribeSecurityGroups", "fields": {f"f{i}": i for i in range(60)}}])))
    fields = asff.product_fields(found)
    assert len(fields) == 50 and fields["pytest-cis-aws/evidence/more"] == "14 more fields in the findings JSON"
    check.validate_asff([asff.finding_of(found, "2.0.0", {}, "2026-01-01T00:00:00Z", "us-east-1")])
