"""The compliance report end to end: one seeded audit run serially, replayed with -n 2,
every output of both runs compared, and the -n 2 HTML report opened in headless
Chromium with every network request refused.

One live audit costs most of this file's time (every collector runs over the estate);
the -n 2 run replays its snapshot, so it reads the same evidence without AWS.
"""
from __future__ import annotations

from pathlib import Path

from pytest_cis_aws.registry import controls
from tests.harness import A, B, run_audit
from tests.report import outputs
from tests.report.seed import CONTROLS, MARKUP, seed

HTML_ARGS = ["-p", "pytest_html.plugin", "-p", "pytest_metadata.plugin"]


def output_args(folder: Path) -> list[str]:
    return [*HTML_ARGS, "--html", str(folder / "report.html"), "--cis-csv", str(folder / "findings.csv"),
            "--cis-md", str(folder / "summary.md"), "--junitxml", str(folder / "junit.xml"),
            "--cis-json", str(folder / "findings.json")]


def totals_of_every_output(folder: Path, terminal: str) -> dict[str, dict[str, int]]:
    from_json = outputs.from_json(folder / "findings.json")
    return {
        "json": from_json,
        "html": outputs.from_html(folder / "report.html"),
        "terminal": outputs.from_terminal(terminal),
        "markdown": outputs.from_markdown(folder / "summary.md"),
        "csv": outputs.from_csv(folder / "findings.csv", from_json["accounts_integrated"]),
    }


def visible_rows(page) -> int:
    return page.locator("#results-table tbody.results-table-row:not(.hidden) tr.collapsible").count()


def test_report_agrees_serial_and_with_two_workers_and_reads_right_in_a_browser(moto, pytester, offline_page):
    seed(moto)
    serial, workers = pytester.path / "serial", pytester.path / "workers"
    snapshot = pytester.path / "evidence.json"
    run = run_audit(pytester, *CONTROLS, accounts=[A, B],
                    args=[*output_args(serial), "--aws-snapshot-out", str(snapshot)])
    replay = run_audit(pytester, *CONTROLS, accounts=[A, B],
                       args=[*output_args(workers), "--aws-snapshot", str(snapshot), "-p", "xdist.plugin", "-n", "2"])
    assert "2 workers" in replay.output or "created: 2/2 workers" in replay.output, replay.output

    # The findings: both sides of 1.4 and 1.5, and the hostile security group failing 5.2.
    findings = outputs.json_findings(serial / "findings.json")
    assert {(f["control"], f["account"], f["status"]) for f in findings if f["control"] in ("1.4", "1.5")} == {
        ("1.4", A, "FAIL"), ("1.4", B, "PASS"), ("1.5", A, "FAIL"), ("1.5", B, "PASS"),
    }
    hostile = [f for f in findings if MARKUP in f["message"]]
    assert [(f["control"], f["status"]) for f in hostile] == [("5.2", "FAIL")]
    assert outputs.json_findings(workers / "findings.json") == findings

    # Totals agree in every output, serial and with -n 2.
    expected = outputs.from_json(serial / "findings.json")
    assert expected["failed"] == sum(f["status"] == "FAIL" for f in findings) >= 3
    assert totals_of_every_output(serial, run.output) == dict.fromkeys(("json", "html", "terminal", "markdown", "csv"), expected)
    assert totals_of_every_output(workers, replay.output) == dict.fromkeys(("json", "html", "terminal", "markdown", "csv"), expected)
    assert outputs.csv_rows(workers / "findings.csv") == outputs.csv_rows(serial / "findings.csv")
    assert len(outputs.csv_rows(serial / "findings.csv")) == len(findings)

    # junitxml: every test case carries its control, account, region and resource.
    cases = outputs.junit_properties(workers / "junit.xml")
    for f in findings:
        name = f["test_id"].split("::")[-1]
        assert {k: cases[name][k] for k in ("control", "account", "region", "resource")} == {
            k: f[k] for k in ("control", "account", "region", "resource")
        }

    offline = offline_page
    page = offline.open(workers / "report.html")

    # Totals: the four figures and the counts beside them, as the findings file says.
    assert {name: int(page.locator(f'#cis-report [data-total="{name}"]').inner_text())
            for name in outputs.TOTAL_NAMES} == expected
    assert expected["accounts_integrated"] == 2

    # Every control the run selected has its row, in benchmark order; the others (left out
    # by -k here) are listed, never counted.
    rows = page.locator("#cis-summary-table tr[data-control]")
    selected = outputs.json_document(workers / "findings.json")["controls"]
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.control)") == selected == list(CONTROLS)
    left_out = page.locator("#cis-gating").inner_text()
    assert all(c.id in left_out for c in controls() if c.id not in CONTROLS)
    assert page.locator("#cis-summary-table tr[data-control='1.4'] [data-count='failed']").inner_text() == "1"
    assert page.locator("#cis-summary-table tr[data-control='1.4'] [data-count='passed']").inner_text() == "1"
    # the benchmark's own label sits beside the verdict (1.4 is Automated in v2.0.0)
    assert page.locator("#cis-summary-table tr[data-control='1.4'] [data-label]").inner_text() == "Automated"

    # Per-account table: the owner of A finds A's failures at a glance.
    failed_in_a = sum(f["status"] == "FAIL" and f["account"] == A for f in findings)
    assert page.locator(f"#cis-accounts-table tr[data-account='{A}'] td").all_inner_texts()[:2] == [A, str(failed_in_a)]

    # A summary link jumps to that control's details, which name the failing unit.
    page.locator("#cis-summary-table tr[data-control='1.4'] a").first.click()
    assert page.evaluate("location.hash") == "#control-1-4"
    assert abs(page.evaluate("document.querySelector('#control-1-4').getBoundingClientRect().top")) < 5
    assert page.locator("#control-1-4 .cis-failing tbody tr td").all_inner_texts()[:4] == [
        A, "global", A, f"the root user of account {A} has an access key",
    ]
    assert page.locator("section.cis-detail").evaluate_all("s => s.map(e => e.dataset.control)") == ["1.4", "1.5", "5.2"]

    # The results table: the outcome filters hide and show rows; the extra columns sort.
    assert visible_rows(page) == len(findings)
    page.locator("input[data-test-result='passed']").click()
    assert visible_rows(page) == expected["failed"]
    assert set(page.locator("#results-table .col-result").all_inner_texts()) == {"Failed"}
    page.locator("input[data-test-result='passed']").click()
    assert visible_rows(page) == len(findings)

    # The finder reaches every unit: all of them listed, filtered by outcome, searched, sorted.
    finder_rows = page.locator("#cis-find-table tbody tr")
    assert finder_rows.count() == len(findings)
    page.locator("#cis-find-status").select_option(label="FAIL")
    assert finder_rows.count() == expected["failed"]
    assert set(page.locator("#cis-find-table .cis-unit__status").all_inner_texts()) == {"FAIL"}
    page.locator("#cis-find-status").select_option(label="every outcome")
    page.locator("#cis-find-text").fill("root user of account " + A)
    page.wait_for_function("document.querySelectorAll('#cis-find-table tbody tr').length === 2")
    assert sorted(finder_rows.locator("td:nth-child(2)").all_inner_texts()) == ["1.4", "1.5"]
    page.locator("#cis-find-text").fill("")
    page.wait_for_function(f"document.querySelectorAll('#cis-find-table tbody tr').length === {len(findings)}")
    page.locator("#cis-find-table th[data-sort='account']").click()
    accounts = finder_rows.locator("td:nth-child(3)").all_inner_texts()
    assert accounts == sorted(accounts) and set(accounts) == {A, B}
    page.locator("#cis-find-table th[data-sort='account']").click()
    assert finder_rows.locator("td:nth-child(3)").all_inner_texts() == sorted(accounts, reverse=True)

    # Markup from AWS is text: shown literally, no element made of it, no script run.
    assert page.locator(".cis-detail[data-control='5.2'] .cis-message").inner_text() == hostile[0]["message"]
    assert page.locator("#results-table .log", has_text=MARKUP).count() == 1  # the failure's log
    assert page.locator("#cis-find-table .cis-message", has_text=MARKUP).all_inner_texts() == [hostile[0]["message"]]
    assert page.locator("img[src='x']").count() == 0
    assert offline.dialogs == [] and offline.page_errors == []
    # Self-contained: the page asked for nothing beyond its own file.
    assert offline.refused == []
