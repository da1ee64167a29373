"""One Finding: made once from a report's properties or a findings file's entry, written back
the same, and one identity whatever the benchmark version or the path of the test file."""
from __future__ import annotations

import dataclasses
import json

import pytest

from pytest_cis_aws import fixes
from pytest_cis_aws.finding import Evidence, Finding, WaiverNote
from tests.findings import as_finding

A = "111111111111"
PROPERTIES = {
    "control": "2.1.4", "title": "Ensure S3 buckets block public access", "level": "1", "section": "2",
    "check": "2.1.4", "assessment": "Automated", "account": A, "region": "eu-west-1",
    "resource": "arn:aws:s3:::app-logs", "label": "bucket/app-logs", "status": "WAIVED",
    "message": "bucket app-logs allows public access",
    "evidence": json.dumps([{"source": "s3:GetPublicAccessBlock", "fields": {"BlockPublicAcls": False}}], sort_keys=True),
    "waiver": "#1", "waiver_reason": "vendor drop", "waiver_owner": "data", "waiver_expires": "2027-01-31",
    "fix": fixes.Fix.run("aws s3api put-public-access-block --bucket app-logs").to_json(),
    "test_id": f"cis_checks/test_storage.py::test_2_1_4_x[{A}-eu-west-1-bucket/app-logs]",
}


def test_a_report_s_properties_make_a_typed_finding_whose_entry_reads_back_the_same():
    finding = as_finding(PROPERTIES)
    assert (finding.level, finding.label, finding.waiver, finding.fix.command) == (
        1, "bucket/app-logs", WaiverNote("#1", "vendor drop", "data", "2027-01-31"),
        "aws s3api put-public-access-block --bucket app-logs")
    assert finding.evidence == (Evidence("s3:GetPublicAccessBlock", (("BlockPublicAcls", False),)),)
    entry = json.loads(json.dumps(finding.to_json(owners=True)))
    assert list(entry) == ["control", "title", "level", "check", "assessment", "account", "region", "resource",
                           "status", "message", "test_id", "owner", "waiver", "evidence", "fix"]
    again = Finding.from_json(entry)
    assert again.to_json(owners=True) == entry
    assert (again.label, again.identity, again.owner) == (finding.label, finding.identity, "")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.status = "PASS"


def test_the_identity_is_the_check_and_the_unit_not_the_control_id_nor_the_test_path():
    finding = as_finding(PROPERTIES)
    renumbered = as_finding({**PROPERTIES, "control": "2.1.1", "test_id": "/elsewhere/t.py::test_2_1_1_y[x]"})
    assert finding.identity == renumbered.identity == ("2.1.4", A, "eu-west-1", "arn:aws:s3:::app-logs")
    # A file written before checks existed: the check the caller resolved (identity.check_of).
    older = Finding.from_json({k: v for k, v in finding.to_json().items() if k != "check"}, check="2.1.4")
    assert older.identity == finding.identity


def test_a_findings_file_from_before_fixes_were_structured_holds_a_bare_command():
    finding = Finding.from_json({**as_finding(PROPERTIES).to_json(), "fix": "aws s3 x --bucket <bucket>"})
    assert finding.fix == fixes.Fix("aws s3 x --bucket <bucket>", ("<bucket>",))
