"""The demo's report (``--aws-demo``: a moto server on 127.0.0.1, seeded by every section),
opened in headless Chromium; the top of the page is saved for reviewers as
reports/demo-report-top.png (generated, so not committed)."""
from __future__ import annotations

import json

from tests.harness import CHECKS_DIR, REPO
from tests.report import exchange, outputs

SCREENSHOT = REPO / "reports" / "demo-report-top.png"
MARKUP = "<img src=x onerror=alert(1)>"  # in a demo security group's Name tag and description


def test_demo_report_top_is_saved_and_shows_markup_as_text(aws_env, pytester, offline_page):
    html_path, findings_path = pytester.path / "reports" / "report.html", pytester.path / "findings.json"
    ocsf_path, asff_path = pytester.path / "findings.ocsf.jsonl", pytester.path / "findings.asff.json"
    result = pytester.runpytest_inprocess(
        str(CHECKS_DIR), "--aws-demo", "-p", "plugin.entry", "-p", "no:cacheprovider", "-p", "pytest_html.plugin",
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
    hostile = [f for f in document["findings"] if MARKUP in f["message"]]
    assert hostile and {f["status"] for f in hostile} == {"FAIL"}

    page = offline_page.open(html_path)
    expected = outputs.from_json(findings_path)
    assert {name: int(page.locator(f'#cis-report [data-total="{name}"]').inner_text())
            for name in outputs.TOTAL_NAMES} == expected
    assert expected["accounts_integrated"] == len(document["accounts"]) == 3
    assert page.locator("#cis-accounts").inner_text() == ", ".join(a["id"] for a in document["accounts"])
    assert page.locator(".cis-detail .cis-message", has_text=MARKUP).count() == len(hostile)
    assert page.locator("img[src='x']").count() == 0
    assert offline_page.dialogs == [] and offline_page.page_errors == [] and offline_page.refused == []

    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000
