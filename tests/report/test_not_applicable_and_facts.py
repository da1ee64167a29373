"""NOT_APPLICABLE findings and a manual control's facts, in every output (a hand-made state).

A control that does not apply to a unit (v7.0.0's 2.1.1 in a member account) is never
counted as passed or failed: it is outside the score and "resources scanned", shown with its
reason, and archived in the exchange formats. A manual control's facts (the evidence its
body recorded) reach the findings JSON, the HTML details and the Markdown.
"""
from __future__ import annotations

import json

from pytest_cis_aws.registry import Control
from tests.findings import as_finding
from pytest_cis_aws.report import asff, csv_out, findings_json, html, markdown, ocsf, terminal, view
from tests.report import exchange as check
from tests.report.test_renderers import A, B, MARKUP, ROOT_KEY, properties, sample_state

ROOT_ACCESS = Control(id="1.21", title="Ensure centralized root access in AWS Organizations", level=2,
                      automated=False, unit="organization", description="Root users managed centrally.",
                      manual_check="check the organization")
REASON = f"account {B} is a member of organization o-demo {MARKUP}; judged from its management account {A}"
FACTS = [{"source": "organizations:ListPolicies",
          "fields": {"SERVICE_CONTROL_POLICY": [f"deny-leave {MARKUP}: root r-1"], "uncovered": [B]}}]


def state_with_both():
    state = sample_state()
    state.controls = [*state.controls, ROOT_ACCESS]
    facts = properties(ROOT_ACCESS, A, "MANUAL", f"arn:aws:organizations::{A}:organization/o-demo",
                    f"review the guardrails {MARKUP}")
    facts["evidence"] = json.dumps(FACTS)
    member = properties(ROOT_ACCESS, B, "NOT_APPLICABLE", message=REASON)
    member["evidence"] = json.dumps([{"source": "organizations:DescribeOrganization",
                                      "fields": {"MasterAccountId": A}}])
    state.add(as_finding(facts))
    state.add(as_finding(member))
    return state


def test_not_applicable_is_outside_the_score_and_every_count_of_judged_units():
    state = state_with_both()
    totals = state.totals()
    # sample_state: 5 scanned, 1 failed, 3 passed, 1 error, 1 manual; now one more manual, one not applicable.
    assert (totals.resources_scanned, totals.failed, totals.passed, totals.manual, totals.not_applicable) == (5, 1, 3, 2, 1)
    assert state.scores()["controls"]["1.21"] == {"percent": None, "passed": 0, "failed": 0, "errors": 0, "manual": 1,
                                                  "waived": 0, "known": 0, "not_applicable": 1}
    assert state.scores()["overall"]["percent"] == 75.0  # as without them
    lines = terminal.lines(state, 120)
    assert lines[1].endswith("Manual: 2   Waived: 1   Known: 0   Not applicable: 1")
    assert any(line.endswith("(3 passed of 4 judged; not in the score: errors 1, manual 2, waived 1, "
                             "not applicable 1)") for line in lines)


def test_findings_json_and_csv_carry_the_status_the_reason_and_the_facts(tmp_path):
    document = findings_json.document(state_with_both())
    assert document["totals"]["not_applicable"] == 1
    by_status = {f["status"]: f for f in document["findings"] if f["control"] == "1.21"}
    assert by_status["NOT_APPLICABLE"]["message"] == REASON
    assert by_status["NOT_APPLICABLE"]["evidence"] == [
        {"source": "organizations:DescribeOrganization", "fields": {"MasterAccountId": A}}]
    assert by_status["MANUAL"]["evidence"] == FACTS
    rows = [r for r in csv_out.rows(state_with_both()) if r["control"] == "1.21"]
    assert [(r["account"], r["status"], r["message"]) for r in rows] == [
        (A, "MANUAL", f"review the guardrails {MARKUP}"), (B, "NOT_APPLICABLE", REASON)]


def test_html_details_show_the_facts_open_and_the_reason_escaped():
    state = state_with_both()
    v = view.build(state)
    detail = next(d for d in v.details if d.control.id == "1.21")
    assert [(u.account, u.message) for u in detail.manual] == [(A, f"review the guardrails {MARKUP}")]
    assert [(u.account, u.message) for u in detail.not_applicable] == [(B, REASON)]
    assert detail.failing == [] and "1.21" in v.linked and "1.4" not in v.linked
    page = html.fragment(v, state)
    assert MARKUP not in page
    block = page.split('id="control-1-21"', 1)[1].split("</section>", 1)[0]
    assert "<h4>Failing resources</h4>" not in block
    assert "<h4>Facts to review</h4>" in block and "<h4>Not applicable</h4>" in block
    assert '<details class="cis-evidence" open><summary>Facts</summary>' in block
    assert "<code class=\"cis-evidence__source\">organizations:ListPolicies</code>" in block
    assert "deny-leave &lt;img src=x onerror=alert(1)&gt;: root r-1" in block
    assert f"of organization o-demo &lt;img src=x onerror=alert(1)&gt;; judged from its management account {A}" in block
    assert "Manual 1 &middot; Not applicable 1" in block
    assert 'Not applicable <b data-status="NOT_APPLICABLE">1</b>' in page
    assert '<a href="#control-1-21">1.21</a>' in page


def test_markdown_lists_the_facts_and_the_units_a_control_does_not_apply_to():
    document = markdown.document(state_with_both())
    assert "\nNot applicable: 1\n" in document
    facts = document.split("## Facts to review", 1)[1].split("## Not applicable", 1)[0]
    assert "### 1.21 Ensure centralized root access in AWS Organizations" in facts
    assert (f"- **{A} us-east-1 arn:aws:organizations::{A}:organization/o-demo**: review the guardrails "
            "\\<img src=x onerror=alert\\(1\\)\\>") in facts
    assert ("  - organizations:ListPolicies SERVICE\\_CONTROL\\_POLICY: \\[\"deny-leave \\<img src=x onerror=alert\\(1\\)\\>: "
            "root r-1\"\\]") in facts
    assert f"  - organizations:ListPolicies uncovered: \\[\"{B}\"\\]" in facts
    tail = document.split("## Not applicable", 1)[1]
    assert f"- 1.21 {B} us-east-1 {B}: account {B} is a member of organization o-demo \\<img" in tail
    assert "<img" not in document.replace("\\<img", "")  # every tag escaped


def test_ocsf_and_asff_archive_a_control_that_does_not_apply(tmp_path):
    state = state_with_both()
    records = {r["status_code"]: r for r in ocsf.records(state) if r["compliance"]["control"] == "1.21"}
    for record in records.values():
        check.validate_ocsf(record)
    na = records["NOT_APPLICABLE"]
    assert (na["compliance"]["status_id"], na["compliance"]["checks"][0]["status"], na["status_id"], na["status"]) == (
        99, "Not Applicable", 5, "Archived")
    assert na["status_detail"] == f"not applicable: {REASON}" and na["severity"] == "High" and "remediation" not in na
    assert records["MANUAL"]["evidences"] == [{"api": {"operation": "organizations:ListPolicies"},
                                               "data": FACTS[0]["fields"]}]
    path = tmp_path / "findings.asff.json"
    asff.write(state, path)
    found = check.asff_findings(path)
    check.validate_asff(found)
    by_status = {f["ProductFields"]["pytest-cis-aws/status"]: f for f in found}
    na = by_status["NOT_APPLICABLE"]
    assert (na["Compliance"]["Status"], na["RecordState"], na["Workflow"]["Status"]) == ("NOT_AVAILABLE", "ARCHIVED", "NEW")
    assert na["Description"] == REASON
    assert by_status["MANUAL"]["ProductFields"]["pytest-cis-aws/evidence/organizations:ListPolicies/uncovered"] == f'["{B}"]'
