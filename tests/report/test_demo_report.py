"""The demo's report (``--aws-demo``: a moto server on 127.0.0.1, seeded by every section),
opened in headless Chromium; the top of the page is saved for reviewers as
reports/demo-report-top.png (generated, so not committed)."""
from __future__ import annotations

import json

from pytest_cis_aws import registry
from pytest_cis_aws.finding import Finding
from pytest_cis_aws.registry.kinds import label_kind
from tests.harness import CHECKS_DIR, REPO, assert_one_finding_per_resource
from tests.report import exchange, outputs

SCREENSHOT = REPO / "reports" / "demo-report-top.png"
MARKUP = "<img src=x onerror=alert(1)>"  # in a demo security group's Name tag and description


def test_demo_report_top_is_saved_and_shows_markup_as_text(aws_env, pytester, offline_page):
    html_path, findings_path = pytester.path / "reports" / "report.html", pytester.path / "findings.json"
    ocsf_path, asff_path = pytester.path / "findings.ocsf.jsonl", pytester.path / "findings.asff.json"
    result = pytester.runpytest_inprocess(
        str(CHECKS_DIR), "--aws-demo", "-p", "pytest_cis_aws.entry", "-p", "no:cacheprovider", "-p", "pytest_html.plugin",
        "-p", "pytest_metadata.plugin", "--cis-json", str(findings_path),
        "--cis-ocsf", str(ocsf_path), "--cis-asff", str(asff_path),
    )
    assert html_path.exists(), result.stdout.str()  # the plugin's default report path
    document = json.loads(findings_path.read_text())

    # The demo's findings in the exchange formats: every record validates, one per finding.
    records = exchange.ocsf_records(ocsf_path)
    for record in records:
        exchange.validate_ocsf(record)
    found = exchange.asff_findings(asff_path)
    exchange.validate_asff(found)
    assert len(records) == len(found) == len(document["findings"])
    assert len({f["Id"] for f in found}) == len(found)
    assert {f["Resources"][0]["Type"] for f in found} >= {
        "AwsAccount", "AwsIamUser", "AwsIamAccessKey", "AwsIamPolicy", "AwsS3Bucket", "AwsCloudTrailTrail",
        "AwsKmsKey", "AwsEc2Vpc", "AwsEc2NetworkAcl", "AwsEc2SecurityGroup", "AwsEc2Instance", "AwsRdsDbInstance",
        "AwsEfsFileSystem"}
    assert_one_finding_per_resource(document["findings"])
    # Every unit is of a kind its check declares in the catalogue (registry/kinds.py), or is its account.
    for entry in document["findings"]:
        kind = label_kind(Finding.from_json(entry).label)
        assert kind is None or kind in registry.kinds_of(entry["check"]), (entry["test_id"], kind)
    hostile = [f for f in document["findings"] if MARKUP in f["message"]]
    assert hostile and {f["status"] for f in hostile} == {"FAIL"}

    # Evidence: every failure of every automated control carries the fields that decided it.
    failing = [f for f in document["findings"] if f["status"] == "FAIL"]
    manual = {f["control"] for f in document["findings"] if f["status"] == "MANUAL"}
    assert {f["control"] for f in failing} == set(document["controls"]) - manual  # the demo fails each once
    assert all(f["evidence"] and all(e["source"] and isinstance(e["fields"], dict) for e in f["evidence"])
               for f in failing)

    page = offline_page.open(html_path)
    expected = outputs.from_json(findings_path)
    assert {name: int(page.locator(f'#cis-report [data-total="{name}"]').inner_text())
            for name in outputs.TOTAL_NAMES} == expected
    assert expected["accounts_integrated"] == len(document["accounts"]) == 3
    assert page.locator("#cis-accounts").inner_text() == ", ".join(a["id"] for a in document["accounts"])
    assert page.locator(".cis-detail .cis-message", has_text=MARKUP).count() == len(hostile)
    assert page.locator("img[src='x']").count() == 0

    # Every evidence value of every failure is in the HTML details as text, exactly as recorded:
    # markup from AWS (a rule description of the hostile group) included.
    page.evaluate("document.querySelectorAll('details.cis-evidence').forEach(d => d.open = true)")
    shown = page.locator(".cis-detail .cis-failing tbody tr").evaluate_all("""rows => rows.map(row =>
        [...row.querySelectorAll('.cis-evidence__call')].map(call => [
            call.querySelector('.cis-evidence__source').textContent,
            [...call.querySelectorAll('dt')].map(dt => [dt.textContent, dt.nextElementSibling.textContent])]))""")
    as_text = lambda v: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, sort_keys=True)  # noqa: E731
    assert shown == [[[e["source"], [[k, as_text(v)] for k, v in e["fields"].items()]] for e in f["evidence"]]
                     for f in failing]
    assert any(MARKUP in value for row in shown for _, fields in row for _, value in fields)
    assert page.locator(".cis-evidence dd").first.is_visible()
    assert page.locator("img[src='x']").count() == 0
    assert offline_page.dialogs == [] and offline_page.page_errors == [] and offline_page.refused == []

    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000
