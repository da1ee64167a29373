"""The evidence behind a verdict in the HTML details: behind a disclosure per failing (or
waived) resource, every key and value escaped; nothing for passes."""
from __future__ import annotations

import json

from plugin.report import html, view
from tests.report.test_renderers import A, B, BLOCK, MARKUP, finding, sample_state


def with_evidence(found: dict, *items: dict) -> dict:
    found["evidence"] = json.dumps(list(items))  # as a finding carries it (plugin/outcomes.py)
    return found


def test_failing_resources_show_their_evidence_escaped_and_passes_show_none():
    state = sample_state()
    state.findings = [f for f in state.findings if f["status"] != "FAIL"]
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
    page = html.fragment(view.build(state))
    assert MARKUP not in page and "<img" not in page
    assert page.count('<details class="cis-evidence">') == 1  # the failing bucket only
    assert "PASS-ONLY" not in page  # a pass carries evidence in the JSON, not in the page
    assert "<code class=\"cis-evidence__source\">s3:GetBucketPublicAccessBlock</code>" in page
    assert "<dt>BlockPublicAcls</dt><dd><code>false</code></dd>" in page
    assert ("<dt>Sid &lt;img src=x onerror=alert(1)&gt;</dt><dd><code>{&#34;Note&#34;: "
            "&#34;&lt;img src=x onerror=alert(1)&gt;&#34;, &#34;Principal&#34;: &#34;*&#34;}</code></dd>") in page


def test_a_failure_without_evidence_says_so():
    page = html.fragment(view.build(sample_state()))
    assert '<span class="cis-evidence--none">none recorded</span>' in page
