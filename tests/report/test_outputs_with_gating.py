"""Every output of real runs that have waivers, errors, manual controls and a baseline:
OCSF and ASFF validate, ASFF ids hold across runs, the scores agree everywhere, and the
HTML report's charts show the summary's numbers in Chromium.

Three in-process audits of one small estate (tests/report/seed.py: 1.4, 1.5 and 5.2 on
both sides, a security group named with markup): two identical runs, then a third
after a fix and a regression, against the first run as baseline.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from pytest_cis_aws.summary import Score
from tests.gating.estate import root_access_key
from tests.harness import A, B, REPO, run_audit
from tests.refusals import Refuse
from tests.report import exchange, outputs
from tests.report.seed import MARKUP, seed

CONTROLS = ("1.1", "1.4", "1.5", "5.2")  # 1.1 is manual
SCREENSHOT = REPO / "reports" / "report-charts.png"
WAIVERS = (f'waivers:\n  - control: "1.5"\n    account: "{A}"\n    reason: root MFA device on order\n'
           f'    owner: platform\n    expires: 2099-12-31\n')


def output_args(folder: Path) -> list[str]:
    return ["-p", "pytest_html.plugin", "-p", "pytest_metadata.plugin", "--html", str(folder / "report.html"),
            "--cis-md", str(folder / "summary.md"), "--cis-ocsf", str(folder / "findings.ocsf.jsonl"),
            "--cis-asff", str(folder / "findings.asff.json")]


def audit(pytester, folder: Path, *args: str):
    folder.mkdir()
    # AWS refuses account B's security groups: 5.2 is an ERROR there, never a pass.
    run = run_audit(pytester, *CONTROLS, accounts=[A, B], args=[*output_args(folder), *args],
                    plugins=[Refuse(B, ("ec2", "DescribeSecurityGroups"))])
    (folder / "findings.json").write_text((pytester.path / "findings.json").read_text())
    return run


def statuses(run) -> set[tuple[str, str, str]]:
    return {(f.control, f.account, f.status) for f in run.findings if f.control != "5.2" or f.account == B}


def test_outputs_with_waivers_errors_manual_and_a_baseline(moto, pytester, tmp_path, offline_page):
    seed(moto)
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(WAIVERS)
    first = audit(pytester, tmp_path / "first", "--cis-waivers", str(waivers))
    again = audit(pytester, tmp_path / "again", "--cis-waivers", str(waivers))
    assert statuses(first) == {
        ("1.1", A, "MANUAL"), ("1.1", B, "MANUAL"), ("1.4", A, "FAIL"), ("1.4", B, "PASS"),
        ("1.5", A, "WAIVED"), ("1.5", B, "PASS"), ("5.2", B, "ERROR")}
    assert [f.status for f in first.of("5.2", account=A) if MARKUP in f.message] == ["FAIL"]

    # Every OCSF record and every ASFF finding validates; one each per finding.
    for folder in (tmp_path / "first", tmp_path / "again"):
        records = exchange.ocsf_records(folder / "findings.ocsf.jsonl")
        for record in records:
            exchange.validate_ocsf(record)
        found = exchange.asff_findings(folder / "findings.asff.json")
        exchange.validate_asff(found)
        assert len(records) == len(found) == len(first.findings)
    records = exchange.ocsf_records(tmp_path / "first" / "findings.ocsf.jsonl")
    assert Counter(r["status_code"] for r in records) == Counter(f.status for f in first.findings)
    asff_first = exchange.asff_findings(tmp_path / "first" / "findings.asff.json")
    by_status = {f["ProductFields"]["pytest-cis-aws/status"]: f for f in asff_first}
    assert by_status["WAIVED"]["Workflow"] == {"Status": "SUPPRESSED"}
    assert by_status["WAIVED"]["Compliance"]["Status"] == "FAILED"
    assert by_status["ERROR"]["Compliance"]["Status"] == "NOT_AVAILABLE"
    assert by_status["MANUAL"]["Compliance"]["Status"] == "WARNING"
    assert {f["Resources"][0]["Type"] for f in asff_first} == {"AwsAccount", "AwsEc2SecurityGroup"}

    # ASFF ids: the same unit has the same id in both runs, and no two units share one.
    ids_first = [f["Id"] for f in asff_first]
    assert ids_first == [f["Id"] for f in exchange.asff_findings(tmp_path / "again" / "findings.asff.json")]
    assert len(set(ids_first)) == len(ids_first)
    assert [r["finding_info"]["uid"] for r in records] == ids_first

    # A fix (A's root key removed) and a regression (B's root gets a key), against the first run.
    root_access_key(moto, A, present=False)
    root_access_key(moto, B)
    third = audit(pytester, tmp_path / "third", "--cis-waivers", str(waivers),
                  "--cis-baseline", str(tmp_path / "first" / "findings.json"))
    folder = tmp_path / "third"
    assert statuses(third) == {
        ("1.1", A, "MANUAL"), ("1.1", B, "MANUAL"), ("1.4", A, "PASS"), ("1.4", B, "FAIL"),
        ("1.5", A, "WAIVED"), ("1.5", B, "PASS"), ("5.2", B, "ERROR")}
    gating = third.document["gating"]
    assert (gating["new"], gating["fixed"], gating["known"]) == (1, 1, 1)  # the hostile group is known
    for record in exchange.ocsf_records(folder / "findings.ocsf.jsonl"):
        exchange.validate_ocsf(record)
    third_asff = exchange.asff_findings(folder / "findings.asff.json")
    exchange.validate_asff(third_asff)
    assert {f["Id"] for f in third_asff} == set(ids_first)  # same units, same ids, whatever their status

    # The scores agree in the terminal, JSON, HTML and Markdown, and are right with errors and waivers.
    scores = outputs.scores_from_json(folder / "findings.json")
    assert outputs.scores_from_terminal(third.output) == scores
    assert outputs.scores_from_html(folder / "report.html") == scores
    assert outputs.scores_from_markdown(folder / "summary.md") == scores
    document = third.document["scores"]
    totals = third.document["totals"]
    assert totals["failed"] == 1 and totals["passed"] > 2
    assert document["overall"] == {
        "percent": Score(totals["passed"], 1, known=1).percent, "passed": totals["passed"], "failed": 1, "errors": 1,
        "manual": 2, "waived": 1, "known": 1, "not_applicable": 0}
    assert scores["controls"]["1.1"] == "n/a"  # manual only: nothing judged
    assert document["controls"]["1.5"] == {"percent": 100.0, "passed": 1, "failed": 0, "errors": 0, "manual": 0,
                                           "waived": 1, "known": 0, "not_applicable": 0}
    assert document["controls"]["1.4"]["percent"] == 50.0
    assert document["accounts"][B]["errors"] == 1

    # The charts, in Chromium.
    page = offline_page.open(folder / "report.html")
    bars = page.locator("#cis-chart-pass-rate .cis-bar")
    assert page.locator("#cis-chart-pass-rate").is_visible() and page.locator("#cis-chart-heat-map").is_visible()
    sections = page.locator("#cis-summary-table tbody.cis-section").evaluate_all(
        "bodies => bodies.map(b => [b.dataset.section, b.querySelector('[data-score=section]').textContent])")
    assert bars.evaluate_all("gs => gs.map(g => [g.dataset.section, g.dataset.percent])") == sections
    # Section 1: 1.4 passes in A and fails in B, 1.5 passes in B (waived in A); section 5 passes
    # once and fails once, the hostile group being a known failure (B's groups could not be read).
    assert dict(sections) == scores["sections"] == {"1": "66.7", "5": "50.0"}
    # The bar's length is its percentage of the track.
    for bar in bars.all():
        fill, track = (bar.locator(f".cis-bar__{part}").bounding_box()["width"] for part in ("fill", "track"))
        assert abs(fill / track * 100 - float(bar.get_attribute("data-percent"))) < 0.5
    baseline = bars.evaluate_all("gs => gs.map(g => [g.dataset.section, ...['new', 'fixed', 'known'].map("
                                 "n => +g.querySelector(`[data-baseline=${n}]`).textContent)])")
    assert baseline == [["1", 1, 1, 0], ["5", 0, 0, 1]]
    assert [sum(row[i] for row in baseline) for i in (1, 2, 3)] == [gating["new"], gating["fixed"], gating["known"]]

    # Heat map: one cell per account and section, holding that account's failures there, known
    # ones included (they count as failed, as in the score).
    cells = page.locator("#cis-chart-heat-map .cis-heat__cell")
    failed = Counter((f.account, f.control.split(".")[0]) for f in third.findings if f.status in ("FAIL", "KNOWN"))
    shown = cells.evaluate_all("cs => cs.map(c => [c.dataset.account, c.dataset.section, +c.dataset.failed])")
    assert sorted(shown) == sorted([a, s, failed[(a, s)]] for a in (A, B) for s in ("1", "5"))
    assert sum(n for _, _, n in shown) == third.document["totals"]["failed"] + third.document["totals"]["known"]
    # A cell with failures opens the account's first failing resource of that section.
    page.locator(f"#cis-chart-heat-map a[data-account='{B}'][data-section='1']").click()
    assert page.evaluate("location.hash") == f"#control-1-4--{B}"
    target = page.locator(f"#control-1-4--{B}")
    assert target.locator("td").first.inner_text() == B and target.is_visible()
    assert abs(page.evaluate(f"document.getElementById('control-1-4--{B}').getBoundingClientRect().top")) < 5
    assert page.locator(f"#cis-chart-heat-map g[data-account='{B}'][data-section='5']").count() == 1  # nothing to open
    assert offline_page.dialogs == [] and offline_page.page_errors == [] and offline_page.refused == []

    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.locator("#cis-at-a-glance").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('cis-at-a-glance').scrollIntoView()")
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000
