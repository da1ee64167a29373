"""The renderers on a summary state built by hand: no AWS, no pytest run (milliseconds)."""
from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from dataclasses import dataclass

import pytest

from pytest_cis_aws import fixes
from pytest_cis_aws.collectors.base import Unit
from pytest_cis_aws.collectors.estate import AccountInfo, Estate
from pytest_cis_aws.registry import Control
from pytest_cis_aws.report import csv_out, html, markdown, view
from pytest_cis_aws.summary import SummaryState
from tests.findings import as_finding

A, B, C = "111111111111", "222222222222", "333333333333"
MARKUP = "<img src=x onerror=alert(1)>"

BLOCK = Control(
    id="2.1.4", title="Ensure that S3 Buckets are configured with 'Block public access (bucket settings)'",
    level=1, automated=True, unit="bucket",
    description="A bucket open to the world leaks whatever lands in it.",
    console=("Open the S3 console and pick the bucket.", "Turn on all four public access settings."),
    cli=("aws s3api put-public-access-block --bucket BUCKET --public-access-block-configuration ...",),
    fix="aws s3api put-public-access-block --bucket {name} --public-access-block-configuration "
        "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
)
ROOT_KEY = Control(id="1.4", title="Ensure no 'root' user account access key exists", level=1, automated=True,
                   unit="account", description="Root keys cannot be limited.")
FLOW_LOGS = Control(id="3.9", title="Ensure VPC flow logging is enabled in all VPCs", level=2, automated=True,
                    unit="vpc", description="Flow logs record traffic.")


def finding(control: Control, account: str, status: str, resource: str = "", message: str = "", fix: str = ""):
    return as_finding(properties(control, account, status, resource, message, fix))


def properties(control: Control, account: str, status: str, resource: str = "", message: str = "", fix: str = "") -> dict:
    """A finding's properties, as a test's report carries them (tests.findings.as_finding makes the finding)."""
    found = {
        "control": control.id, "title": control.title, "level": str(control.level), "section": control.section,
        "check": control.evaluation, "assessment": control.assessment, "account": account, "region": "us-east-1", "resource": resource or account, "label": "",
        "status": status, "message": message, "test_id": f"cis_checks/t.py::test_{control.id}[{account}]",
    }
    if fix:
        found["fix"] = fix
    return found


def sample_state() -> SummaryState:
    estate = Estate(
        accounts=[
            AccountInfo(A, True, regions=["us-east-1"], skipped_regions={"ap-east-1": "region not enabled"}),
            AccountInfo(B, True, regions=["us-east-1"]),
            AccountInfo(C, False, error=f"sts:AssumeRole AccessDenied {MARKUP}"),
        ],
        started=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
    )
    state = SummaryState("2.0.0", [ROOT_KEY, BLOCK, FLOW_LOGS], estate)
    state.generated = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    bucket = f"arn:aws:s3:::app-logs"
    for found in (
        finding(ROOT_KEY, A, "PASS"),
        finding(ROOT_KEY, B, "PASS"),
        finding(BLOCK, A, "FAIL", bucket, f"bucket app-logs {MARKUP} allows public access",
                fix=BLOCK.fix.format(name="app-logs")),
        finding(BLOCK, B, "PASS", "arn:aws:s3:::web"),
        finding(BLOCK, B, "ERROR", "arn:aws:s3:::odd", "s3:GetPublicAccessBlock in 222222222222 us-east-1: AccessDenied"),
        finding(FLOW_LOGS, A, "MANUAL", message="check by hand"),
        finding(FLOW_LOGS, B, "WAIVED", message="accepted risk"),
    ):
        state.add(found)
    return state


def test_view_groups_controls_and_keeps_state_totals():
    v = view.build(sample_state(), "pytest cis_checks")
    assert [(s.number, s.title, [r.control.id for r in s.rows], s.failed, s.passed, s.errors) for s in v.sections] == [
        ("1", "Identity and Access Management", ["1.4"], 0, 2, 0),
        ("2", "Storage", ["2.1.4"], 1, 1, 1),
        ("3", "Logging", ["3.9"], 0, 0, 0),
    ]
    assert (v.totals.accounts_integrated, v.totals.resources_scanned, v.totals.failed, v.totals.passed,
            v.totals.errors, v.totals.manual) == (2, 5, 1, 3, 1, 1)
    assert v.other_statuses == [("WAIVED", 1)]
    assert [d.control.id for d in v.details] == ["2.1.4"]
    assert [(a.id, a.failed, a.passed, a.errors, a.integrated) for a in v.per_account] == [
        (A, 1, 1, 0, True), (B, 0, 2, 1, True), (C, 0, 0, 0, False),
    ]
    assert v.skipped_regions == [(A, "ap-east-1", "region not enabled")]


def test_html_fragment_escapes_aws_text_and_shows_what_was_not_audited():
    state = sample_state()
    page = html.fragment(view.build(state, "pytest cis_checks --html=r.html"), state)
    assert "<img" not in page
    # Units are embedded once, as JSON the page's script renders as text: no markup survives in it.
    units = embedded_units(page)
    messages = [unit[5] for unit in units["units"]]
    assert any("bucket app-logs <img src=x onerror=alert(1)> allows public access" in m for m in messages)
    assert f"<li><b>{C}</b>: sts:AssumeRole AccessDenied &lt;img src=x onerror=alert(1)&gt;</li>" in page
    assert "<li><b>111111111111 ap-east-1</b>: region not enabled</li>" in page
    assert 'data-total="accounts_integrated">2<' in page and "Accounts integrated of 3" in page
    assert 'data-total="errors">1<' in page and 'data-status="WAIVED">1<' in page
    # Only the control with a failure has details, and its fix names the bucket.
    assert page.count('class="cis-detail"') == 1 and 'id="control-2-1-4"' in page
    assert '<a href="#control-2-1-4">2.1.4</a>' in page and '<a href="#control-1-4">' not in page
    assert 'class="cis-table cis-failing" data-fix="true" data-failing="1"' in page
    fixes = [unit[8] for unit in units["units"] if unit[8]]
    assert fixes and fixes[0].startswith("aws s3api put-public-access-block --bucket app-logs --public-access")
    assert "<li>Turn on all four public access settings.</li>" in page
    assert '<code id="cis-command">pytest cis_checks --html=r.html</code>' in page


def embedded_units(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="cis-units">(.*?)</script>', page, re.S)
    assert found, "no embedded units"
    return json.loads(found.group(1))


def test_script_safe_json_keeps_no_markup_or_line_separators_and_reads_back_the_same():
    value = {"name": "a&b <!-- </script> -->", "tag": "line\u2028para\u2029end"}
    text = html.script_safe(json.dumps(value, ensure_ascii=False))
    assert not any(raw in text for raw in ("<", ">", "&", "\u2028", "\u2029"))
    assert json.loads(text) == value


def test_embedded_units_cannot_end_their_script_and_test_ids_are_escaped():
    state = sample_state()
    state.add(finding(BLOCK, A, "FAIL", f"arn:aws:s3:::x</script><script>alert(1)</script>", message="x</script>"))
    page = html.fragment(view.build(state), state)
    assert page.count("</script>") == 2  # the units' JSON block and the page script's own
    units = embedded_units(page)
    assert [unit[3] for unit in units["units"] if "alert" in unit[3]] == ["arn:aws:s3:::x</script><script>alert(1)</script>"]
    assert units["fields"] == list(html.UNIT_FIELDS)

    class Report:
        nodeid = "cis_checks/test_networking.py::test_5_2[sg-1 </td><script>x()</script>]"
        when = "setup"

    cells = ['<td class="col-result">Error</td>', f'<td class="col-testId">{Report.nodeid}::setup</td>']
    html.escape_test_id(cells, Report)
    assert cells[1] == ('<td class="col-testId">cis_checks/test_networking.py::test_5_2'
                        '[sg-1 &lt;/td&gt;&lt;script&gt;x()&lt;/script&gt;]::setup</td>')


def test_markdown_has_totals_and_the_summary_table():
    assert markdown.document(sample_state()) == f"""\
# CIS AWS Foundations Benchmark v2.0.0

Level 2; generated 2026-01-02 03:04:05 UTC; accounts: {A}, {B}, {C}; regions: us-east-1.

| Accounts integrated | Resources scanned | Failed | Passed | Errors | Manual |
|---:|---:|---:|---:|---:|---:|
| 2 of 3 | 5 | 1 | 3 | 1 | 1 |

Compliance score: **75.0 %** (3 passed of 4 judged; not in the score: errors 1, manual 1, waived 1)

Waived: 1

Accounts not integrated:

- {C}: sts:AssumeRole AccessDenied \\<img src=x onerror=alert\\(1\\)\\>

Regions not audited:

- {A} ap-east-1: region not enabled

| Section | Title | Failed | Passed | Errors | % |
|---|---|---:|---:|---:|---:|
| **1** | **Identity and Access Management** | **0** | **2** | **0** | **100.0** |
| 1.4 | Ensure no 'root' user account access key exists | 0 | 2 | 0 | 100.0 |
| **2** | **Storage** | **1** | **1** | **1** | **50.0** |
| 2.1.4 | Ensure that S3 Buckets are configured with 'Block public access \\(bucket settings\\)' | 1 | 1 | 1 | 50.0 |
| **3** | **Logging** | **0** | **0** | **0** | **n/a** |
| 3.9 | Ensure VPC flow logging is enabled in all VPCs | 0 | 0 | 0 | n/a |

| Account | Failed | Passed | Errors | Manual | % |
|---|---:|---:|---:|---:|---:|
| {A} | 1 | 1 | 0 | 1 | 50.0 |
| {B} | 0 | 2 | 1 | 0 | 100.0 |
| {C} | 0 | 0 | 0 | 0 | n/a |
"""


def test_csv_has_one_row_per_finding_and_defuses_formulas(tmp_path):
    state = sample_state()
    state.add(finding(ROOT_KEY, C, "FAIL", message="=HYPERLINK(\"http://x\")"))
    path = tmp_path / "out" / "findings.csv"
    csv_out.write(state, path)
    lines = path.read_text().splitlines()
    assert lines[0] == ("control,title,level,check,assessment,account,region,resource,status,message,test_id,"
                        "waiver,waiver_reason,waiver_owner,waiver_expires,fix,fix_placeholders")
    assert len(lines) == 1 + len(state.findings)
    assert lines[3] == (f"1.4,Ensure no 'root' user account access key exists,1,1.4,Automated,{C},us-east-1,{C},FAIL,"
                        f"\"'=HYPERLINK(\"\"http://x\"\")\",cis_checks/t.py::test_1.4[{C}],,,,,,")


def test_fix_template_takes_the_unit_fields():
    @dataclass(frozen=True, kw_only=True)
    class Bucket(Unit):
        name: str

    bucket = Bucket(account=A, region="eu-west-1", resource="arn:aws:s3:::app-logs", label="bucket/app-logs",
                    name="app-logs")
    assert view.fill_fix(BLOCK.fix, bucket).startswith("aws s3api put-public-access-block --bucket app-logs ")
    # A field the unit lacks is an error, never text left in the command (the registry refuses such a
    # template when it loads: tests/versions/test_kinds.py).
    with pytest.raises(AttributeError):
        view.fill_fix("aws x --region {region} --id {missing}", bucket)
    assert view.fill_fix(None, bucket) == ""
    hostile = Bucket(account=A, region="us-east-1", resource="arn", name="x; rm -rf ~ #")
    assert view.fill_fix("aws s3api get-bucket-policy --bucket {name}", hostile) == (
        "aws s3api get-bucket-policy --bucket 'x; rm -rf ~ #'"
    )


def test_fix_template_repeats_a_command_per_value_of_a_tuple_field():
    @dataclass(frozen=True, kw_only=True)
    class User(Unit):
        name: str
        keys: tuple[str, ...]
        password: tuple[str, ...] = ()

    template = ("aws iam delete-login-profile --user-name {password}; "
                "aws iam update-access-key --user-name {name} --access-key-id {keys} --status Inactive")
    both = User(account=A, region="global", resource="arn", name="bob", keys=("AKIA1", "AKIA2"), password=("bob",))
    assert view.fill_fix(template, both) == (
        "aws iam delete-login-profile --user-name bob; "
        "aws iam update-access-key --user-name bob --access-key-id AKIA1 --status Inactive; "
        "aws iam update-access-key --user-name bob --access-key-id AKIA2 --status Inactive"
    )
    # an empty tuple leaves its command out; values are quoted like any other field
    odd = User(account=A, region="global", resource="arn", name="o'neil", keys=("AKIA 3",))
    assert view.fill_fix(template, odd) == (
        """aws iam update-access-key --user-name 'o'"'"'neil' --access-key-id 'AKIA 3' --status Inactive"""
    )


def test_waived_failures_show_their_waiver_in_csv_and_html(tmp_path):
    state = sample_state()
    waived = properties(BLOCK, B, "WAIVED", "arn:aws:s3:::legacy", f"bucket legacy {MARKUP} allows public access")
    waived.update(waiver="w1", waiver_reason=f"vendor drop box {MARKUP}", waiver_owner="data-team",
                  waiver_expires="2027-01-31",
                  fix=fixes.Fix.run(f"aws s3api put-public-access-block --bucket {shlex.quote(MARKUP)}").to_json())
    state.add(as_finding(waived))
    path = tmp_path / "findings.csv"
    csv_out.write(state, path)
    row = next(r for r in csv_out.rows(state) if r["resource"] == "arn:aws:s3:::legacy")
    assert (row["status"], row["waiver"], row["waiver_reason"], row["waiver_owner"], row["waiver_expires"]) == (
        "WAIVED", "w1", f"vendor drop box {MARKUP}", "data-team", "2027-01-31")
    detail = next(d for d in view.build(state).details if d.control.id == "2.1.4")
    assert [(u.resource, u.reason, u.owner, u.expires) for u in detail.waived] == [
        ("arn:aws:s3:::legacy", f"vendor drop box {MARKUP}", "data-team", "2027-01-31")]
    page = html.fragment(view.build(state), state)
    assert "<h4>Waived resources</h4>" in page
    assert "vendor drop box &lt;img src=x onerror=alert(1)&gt;" in page
    assert MARKUP not in page
    # Accepted is not fixed: the fix is beside the waiver, escaped, and in the CSV.
    assert "put-public-access-block --bucket &#39;&lt;img src=x onerror=alert(1)&gt;&#39;" in page
    assert row["fix"] == f"aws s3api put-public-access-block --bucket {shlex.quote(MARKUP)}" and row["fix_placeholders"] == ""
