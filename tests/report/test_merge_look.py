"""cis-merge looks like a run (issue 19, defect 10): its terminal table follows the terminal's
width as a run's does (it was 120 columns wherever it ran), and its HTML page has a run's
fonts, sizes and colours (it was the browser's serif default)."""
from __future__ import annotations

from pytest_cis_aws import merge
from tests.harness import A, B, run_audit
from tests.report.seed import CONTROLS, seed

# Elements of the report whose look must not depend on who wrote the page.
COMPARED = ("body", "#cis-report", ".cis-benchmark", ".cis-figure__value", ".cis-figure__label",
            "#cis-summary-table th", "#cis-summary-table td", ".cis-detail h3, .cis-detail summary")
STYLE = ("fontFamily", "fontSize", "color", "lineHeight")


def table(lines: list[str]) -> list[str]:
    """The Section | Title table: from its header to the line before the account table."""
    start = next(i for i, line in enumerate(lines) if line.startswith("Section "))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("Account "))
    return [line.rstrip() for line in lines[start:end] if line.strip()]


def test_merge_prints_and_renders_as_a_run_does(moto, pytester, offline_page, monkeypatch, capsys):
    seed(moto)
    monkeypatch.setenv("COLUMNS", "100")
    folder = pytester.path
    run = run_audit(pytester, *CONTROLS, accounts=[A, B],
                    args=["-p", "pytest_html.plugin", "-p", "pytest_metadata.plugin", f"--html={folder / 'run.html'}"])
    capsys.readouterr()
    merged_html = folder / "merged.html"
    merge.main([str(folder / "findings.json"), "--cis-json", str(folder / "merged.json"), "--html", str(merged_html)])
    printed = capsys.readouterr().out.splitlines()

    # The terminal: the same table as the run's, 100 columns wide.
    assert table(printed) == table(run.result.stdout.lines)
    assert len(table(printed)[1]) == 100  # the rule under the header spans the width

    # The page: the same computed look, element by element.
    looks = {}
    for name, path in (("run", folder / "run.html"), ("merge", merged_html)):
        page = offline_page.page
        page.goto(path.resolve().as_uri())
        looks[name] = {selector: page.locator(selector).first.evaluate(
            f"e => {{ const s = getComputedStyle(e); return {list(STYLE)}.map(p => s[p]); }}") for selector in COMPARED}
    assert looks["merge"] == looks["run"]
    assert "serif" not in looks["merge"]["body"][0].replace("sans-serif", "")
    assert offline_page.dialogs == [] and offline_page.page_errors == [] and offline_page.refused == []


def test_merge_without_a_terminal_is_80_columns_wide_as_pytest_is(tmp_path, monkeypatch, capsys):
    from pytest_cis_aws.report import terminal

    monkeypatch.delenv("COLUMNS", raising=False)
    assert terminal.terminal_width() == 80  # captured output is no terminal
    monkeypatch.setenv("COLUMNS", "20")
    assert terminal.terminal_width() == 80  # too narrow to lay out: as pytest does
