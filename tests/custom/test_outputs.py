"""Custom controls in every output, like CIS controls under a section of their own:
terminal, HTML, findings JSON, CSV, Markdown, junitxml, OCSF, ASFF and cis-merge; and
under every benchmark version."""
from __future__ import annotations

import json
import re

from pytest_cis_aws import merge
from tests.custom.estate import audit_examples, seed
from tests.harness import A, B
from tests.report import exchange, outputs
from tests.report.test_renderers import embedded_units

ORPHAN = "arn:aws:s3:::a-orphan"
ORG_TITLES = {"ORG.1": "Ensure every account has an account alias",
              "ORG.2": "Ensure EC2 instances run only in approved regions",
              "ORG.3": "Ensure every S3 bucket names its owner in an owner tag"}
FIX = "aws s3api put-bucket-tagging --bucket a-orphan --tagging 'TagSet=[{Key=owner,Value=<team>}]'"


def test_custom_controls_in_every_output(audit, moto, tmp_path):
    seed(moto)
    out = tmp_path / "out"
    run = audit_examples(audit, "1.4", "ORG.*", args=[
        "-p", "pytest_html.plugin", "-p", "pytest_metadata.plugin", "--html", str(out / "report.html"),
        "--cis-csv", str(out / "findings.csv"), "--cis-md", str(out / "summary.md"),
        "--junitxml", str(out / "junit.xml"), "--cis-ocsf", str(out / "findings.ocsf.jsonl"),
        "--cis-asff", str(out / "findings.asff.json")])
    findings = [f for f in run.findings if f.control.startswith("ORG.")]
    assert len(findings) == 9

    # Terminal: the benchmark's section 1, then the team's own, each with its score.
    table = run.output.split("\nSection ", 1)[1]
    assert re.findall(r"^(1|ORG)\s+(Identity and Access Management|Organisation controls)\s", table, re.M) == [
        ("1", "Identity and Access Management"), ("ORG", "Organisation controls")]
    assert re.search(r"^ORG\.3\s+Ensure every S3 bucket names its owner in an...\s+2\s+1\s+33\.3$", table, re.M)

    # The findings JSON describes them (cis-merge needs nothing else).
    document = run.document
    assert document["controls"] == ["1.4", "ORG.1", "ORG.2", "ORG.3"]
    assert [(c["id"], c["title"], c["level"], c["section_title"], c["marker"]) for c in document["custom_controls"]] == [
        (cid, title, 2 if cid == "ORG.2" else 1, "Organisation controls", "org") for cid, title in ORG_TITLES.items()]

    # CSV and Markdown.
    rows = [r for r in outputs.csv_rows(out / "findings.csv") if r["control"].startswith("ORG.")]
    assert [(r["control"], r["resource"], r["status"], r["message"]) for r in rows] == [
        (f.control, f.resource, f.status, f.message) for f in findings]
    markdown = (out / "summary.md").read_text()
    assert "| **ORG** | **Organisation controls** | **4** | **5** | **55.6** |" in markdown
    assert "| ORG.1 | Ensure every account has an account alias | 1 | 1 | 50.0 |" in markdown

    # junitxml: each custom test case carries the control and unit properties.
    cases = outputs.junit_properties(out / "junit.xml")
    assert cases[f"test_org_3_bucket_owner_tag[{A}-eu-west-1-bucket/a-orphan]"] == {
        "control": "ORG.3", "account": A, "region": "eu-west-1", "resource": ORPHAN}

    # HTML: the section and its rows, the details with our description, steps and the filled-in fix.
    page = (out / "report.html").read_text()
    assert re.search(r'<tbody class="cis-section" data-section="ORG">\s*<tr class="cis-section__head">\s*'
                     r'<th>ORG</th><th>Organisation controls</th>', page)
    assert all(f'data-control="{cid}"' in page for cid in ORG_TITLES)
    detail = page.split('id="control-ORG-3"', 1)[1].split("</section>", 1)[0]
    assert "Each bucket carries an owner tag naming the team answerable for its data" in detail
    # The failing resources, from the units the page embeds: the fix filled in for each one.
    units = embedded_units(page)
    orphan_unit = next(unit for unit in units["units"] if unit[3] == ORPHAN)
    assert (units["controls"][orphan_unit[0]], orphan_unit[5], orphan_unit[8]) == (
        "ORG.3", "S3 bucket a-orphan has no owner tag", FIX + "  (replace <team> first)")
    # No benchmark labels a team's control: no "Automated in the benchmark", an empty label cell.
    assert "in the benchmark" not in detail
    assert re.search(r'data-control="ORG\.1">.*?<td class="cis-label" data-label=""></td>', page, re.S)
    assert 'data-section="ORG"' in page.split('aria-label="Failures per account and section"', 1)[1]

    # OCSF and ASFF: valid, and judged under the team's own standard, not the benchmark.
    records = [r for r in exchange.ocsf_records(out / "findings.ocsf.jsonl") if r["compliance"]["control"].startswith("ORG.")]
    for record in records:
        exchange.validate_ocsf(record)
    orphan = next(r for r in records if r["resources"][0]["uid"] == ORPHAN)
    assert orphan["compliance"]["standards"] == ["Organisation controls"]
    assert orphan["compliance"]["requirements"] == ["Organisation controls ORG.3"]
    assert orphan["resources"][0]["type"] == "AwsS3Bucket" and orphan["resources"][0]["region"] == "eu-west-1"
    assert f"For this resource: {FIX}" in orphan["remediation"]["desc"]
    assert orphan["evidences"] == [{"api": {"operation": "s3:GetBucketTagging"}, "data": {"TagSet": {}}}]
    found = exchange.asff_findings(out / "findings.asff.json")
    exchange.validate_asff(found)
    asff = next(f for f in found if f["Resources"][0]["Id"] == ORPHAN)
    assert asff["GeneratorId"] == "pytest-cis-aws/custom/ORG.3"
    assert asff["Types"] == ["Software and Configuration Checks/Industry and Regulatory Standards/Organisation controls"]
    assert asff["Compliance"] == {"Status": "FAILED", "RelatedRequirements": ["Organisation controls/ORG.3"]}
    cis = next(f for f in found if f["GeneratorId"].endswith("/1.4"))
    assert cis["Compliance"]["RelatedRequirements"] == ["CIS AWS Foundations Benchmark v2.0.0/1.4"]


def test_custom_controls_follow_every_benchmark_version_and_cis_merge(audit, moto, tmp_path):
    seed(moto)
    shards = []
    for shard in ("1/2", "2/2"):
        run = audit_examples(audit, "ORG.*", args=["--cis-benchmark", "6.0.0", "--cis-shard", shard])
        shards.append(tmp_path / f"shard-{shard[0]}.json")
        shards[-1].write_text(json.dumps(run.document))
        # Under v6.0.0 (IAM is section 2) the team's ids and sections are unchanged.
        assert {f.control for f in run.findings} == set(ORG_TITLES)
    merged = merge.merge(shards)
    assert [c.id for c in merged.controls] == list(ORG_TITLES)
    assert [(row.control.id, row.failed, row.passed) for row in merged.per_control()] == [
        ("ORG.1", 1, 1), ("ORG.2", 1, 3), ("ORG.3", 2, 1)]
    assert merged.controls[0].section_title == "Organisation controls"
