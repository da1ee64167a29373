"""A report whose units are embedded compressed (above html.COMPRESS_ABOVE units: gzip, base64,
in chunks, decoded in the page with DecompressionStream), forced here at a small size: the
merged page opens offline, shows its totals, and its finder and failing resources reach
every unit once decoded."""
from __future__ import annotations

import json

from pytest_cis_aws import merge
from pytest_cis_aws.report import html
from tests.gating.estate import root_access_key, root_mfa
from tests.harness import A, B
from tests.report import outputs


def test_a_compressed_report_opens_and_finds_a_unit(audit, moto, tmp_path, monkeypatch, offline_page):
    root_access_key(moto, A)
    root_mfa(moto, B)
    run = audit("1.4", "1.5", accounts=[A, B])
    shard = tmp_path / "shard.json"
    shard.write_text(json.dumps(run.document))
    monkeypatch.setattr(html, "COMPRESS_ABOVE", 0)
    monkeypatch.setattr(html, "CHUNK_UNITS", 1)  # a chunk per unit: decoding goes chunk by chunk
    report = tmp_path / "merged.html"
    merge.main([str(shard), "--cis-json", str(tmp_path / "merged.json"), "--html", str(report), "--jobs", "1"])
    text = report.read_text()
    findings = run.document["findings"]
    assert 'data-compressed="true"' in text and text.count('class="cis-units-gz"') == len(findings)

    page = offline_page.page
    page.goto(report.as_uri())
    assert {name: int(page.locator(f'#cis-report [data-total="{name}"]').inner_text())
            for name in outputs.TOTAL_NAMES} == outputs.from_json_document(run.document)
    # Decoded after load: the finder lists every unit, and finds one by its test id.
    page.wait_for_function("document.getElementById('cis-find-count').textContent.indexOf('in all') > 0")
    assert f"({len(findings)} in all)" in page.inner_text("#cis-find-count")
    wanted = next(f for f in findings if f["status"] == "FAIL")
    page.fill("#cis-find-text", wanted["test_id"])
    page.wait_for_function("document.getElementById('cis-find-count').textContent.indexOf('showing 1 of 1 ') === 0")
    assert wanted["resource"] in page.inner_text("#cis-find-table tbody tr")
    # Each control's failing resources, rendered from the decoded units.
    failing = sum(1 for f in findings if f["status"] == "FAIL")
    page.wait_for_function(f"document.querySelectorAll('table.cis-failing tbody tr').length === {failing}")
    assert offline_page.refused == [] and offline_page.page_errors == [] and offline_page.dialogs == []
