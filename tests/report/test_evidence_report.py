"""The evidence behind a verdict in the HTML details: behind a disclosure per failing (or
waived) resource, every key and value escaped; nothing for passes."""
from __future__ import annotations

import json

from pytest_cis_aws.report import html, view
from tests.findings import as_finding
from tests.report.test_renderers import A, B, BLOCK, MARKUP, embedded_units, sample_state
from tests.report.test_renderers import properties as finding


def with_evidence(found: dict, *items: dict):
    found["evidence"] = json.dumps(list(items))  # as a report carries it (plugin/pytest_cis_aws/outcomes.py)
    return as_finding(found)


def test_failing_resources_show_their_evidence_escaped_and_passes_show_none():
    state = sample_state()
    state.findings = [f for f in state.findings if f.status != "FAIL"]
    state.add(with_evidence(
        finding(BLOCK, A, "FAIL", "arn:aws:s3:::app-logs", "bucket app-logs allows public access"),
        {"source": "s3:GetBucketPublicAccessBlock", "fields": {"BlockPublicAcls": False, "BlockPublicPolicy": True}},
        {"source": "s3:GetBucketPolicy", "fields": {f"Sid {MARKUP}": {"Principal": "*", "Note": MARKUP}}},
    ))
    state.add(with_evidence(finding(BLOCK, B, "PASS", "arn:aws:s3:::web"),
                            {"source": "s3:GetBucketPublicAccessBlock", "fields": {"BlockPublicAcls": "PASS-ONLY"}}))
    detail = next(d for d in view.build(state).details if d.control.id == "2.1.4")
    assert [(e.source, e.fields) for e in detail.failing[0].evidence] == [
        ("s3:GetBucketPublicAccessBlock", [("BlockPublicAcls", "false"), ("BlockPublicPolicy", "true")]),
        ("s3:GetBucketPolicy", [(f"Sid {MARKUP}", json.dumps({"Note": MARKUP, "Principal": "*"}))]),
    ]
    page = html.fragment(view.build(state), state)
    assert MARKUP not in page and "<img" not in page
    # The failing resources' rows are rendered by the page's script from the units embedded once
    # as JSON (as text: see the demo report's browser test); the evidence travels with them.
    embedded = embedded_units(page)
    units = embedded["units"]
    shown = [unit[9] for unit in units if unit[3] == "arn:aws:s3:::app-logs"]
    assert shown == [[
        ["s3:GetBucketPublicAccessBlock", [["BlockPublicAcls", "false"], ["BlockPublicPolicy", "true"]]],
        ["s3:GetBucketPolicy", [[f"Sid {MARKUP}", json.dumps({"Note": MARKUP, "Principal": "*"})]]],
    ]]
    assert "PASS-ONLY" not in page  # a pass carries evidence in the findings file, not in the page
    assert all(unit[9] == [] for unit in units if embedded["statuses"][unit[4]] != "FAIL")


def test_a_failure_without_evidence_says_so():
    state = sample_state()
    page = html.fragment(view.build(state), state)
    embedded = embedded_units(page)
    failing = [unit for unit in embedded["units"] if embedded["statuses"][unit[4]] == "FAIL"]
    assert failing and all(unit[9] == [] for unit in failing)
    assert '"none recorded"' in page  # what the page's script shows for them
