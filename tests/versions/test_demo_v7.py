"""`pytest --aws-demo --cis-benchmark 7.0.0` end to end: the real demo server on 127.0.0.1
(the demo's fillers in front of moto), every output written (issue 14, item 7)."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from pytest_cis_aws.demo.clients import CALLER_ACCOUNT
from tests.harness import CHECKS_DIR
from tests.report import exchange

ORGANIZATION_CONTROLS = ("2.1.2", "2.1.3", "2.1.4", "2.1.5", "2.1.6")


def test_the_v7_demo_shows_every_new_control_in_every_output(aws_env, pytester):
    out = pytester.path
    result = pytester.runpytest_inprocess(
        str(CHECKS_DIR), "--aws-demo", "--cis-benchmark", "7.0.0", "-p", "pytest_cis_aws.entry", "-p", "no:cacheprovider",
        "-p", "pytest_html.plugin", "-p", "pytest_metadata.plugin", "--cis-json", str(out / "findings.json"),
        "--html", str(out / "report.html"), "--cis-md", str(out / "summary.md"),
        "--cis-ocsf", str(out / "findings.ocsf.jsonl"), "--cis-asff", str(out / "findings.asff.json"),
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # the demo is seeded with failures
    document = json.loads((out / "findings.json").read_text())
    findings = document["findings"]
    assert [f for f in findings if f["status"] == "ERROR"] == []
    assert CALLER_ACCOUNT in [a["id"] for a in document["accounts"]]  # the main organization's management account
    statuses = lambda control: Counter(f["status"] for f in findings if f["control"] == control)  # noqa: E731
    assert statuses("2.1.1") == Counter({"PASS": 1, "FAIL": 1, "NOT_APPLICABLE": 2})
    for control in ("2.21", "4.10", "6.8"):
        assert set(statuses(control)) == {"PASS", "FAIL"}, control
    manual = [f for f in findings if f["control"] in ORGANIZATION_CONTROLS and f["status"] == "MANUAL"]
    assert len(manual) == 10 and all(len(f["evidence"]) > 1 for f in manual)
    assert document["totals"]["not_applicable"] == 12

    page = (out / "report.html").read_text()
    block = page.split('id="control-2-1-2"', 1)[1].split("</section>", 1)[0]
    assert "<h4>Facts to review</h4>" in block and "<h4>Not applicable</h4>" in block
    assert "organizations:ListTargetsForPolicy" in block and "deny-leave-organization" in block
    markdown = (out / "summary.md").read_text()
    assert "## Facts to review" in markdown and "### 2.1.4 Ensure Organizational Units" in markdown
    assert "Root/Production" in markdown and "## Not applicable" in markdown

    records = exchange.ocsf_records(out / "findings.ocsf.jsonl")
    for record in records:
        exchange.validate_ocsf(record)
    found = exchange.asff_findings(out / "findings.asff.json")
    exchange.validate_asff(found)
    assert len(records) == len(found) == len(findings)
    assert {f["Resources"][0]["Type"] for f in found} >= {
        "AwsSqsQueue", "AwsSnsTopic", "AwsLambdaFunction", "AwsSecretsManagerSecret", "AwsEventsEventbus",
        "AwsCloudFrontDistribution", "AwsElbv2LoadBalancer", "AwsApiGatewayStage", "AwsApiGatewayV2Stage"}
    assert Counter(f["RecordState"] for f in found)["ARCHIVED"] == 12
