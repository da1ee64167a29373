"""The failing-resources tables at 1,400 px (issue 19, defect 8): a long Fix command used to
squeeze Message and Resource to about 100 px, break their words anywhere ("has n o
security") and draw wrapped code lines over each other. Chromium lays the demo's report out,
and every row of every failing-resources table is checked: cells side by side, nothing
spilling out of its cell, code lines apart, and lines of Message and Resource broken only
between words (or after an ARN's ':' and '/'). The table of 2.1.4 (the longest fixes) is saved
as reports/failing-table-1400.png for reviewers (generated, so not committed)."""
from __future__ import annotations

from tests.harness import CHECKS_DIR, REPO

SCREENSHOT = REPO / "reports" / "failing-table-1400.png"

# Per row: the cells' boxes, whether any cell's content spills out, the Fix code's line boxes,
# and every line break inside Message and Resource with the characters around it.
MEASURE = """tables => tables.map(table => [...table.tBodies[0].rows].map(row => {
    const cells = [...row.cells];
    const breaks = [];
    for (const cell of row.querySelectorAll('.cis-message, .cis-resource')) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        const chars = [];
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (let i = 0; i < node.length; i++) {
                const range = document.createRange();
                range.setStart(node, i); range.setEnd(node, i + 1);
                const box = range.getBoundingClientRect();
                if (box.width || box.height) chars.push([node.data[i], box.top]);
            }
        }
        for (let i = 1; i < chars.length; i++) {
            if (chars[i][1] > chars[i - 1][1] + 1) breaks.push([chars[i - 1][0], chars[i][0], cell.className]);
        }
    }
    const code = row.querySelector('code.cis-fix');
    return {
        cells: cells.map(c => { const b = c.getBoundingClientRect(); return [b.left, b.right]; }),
        spills: cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.slice(0, 60)),
        codeLines: code ? [...code.getClientRects()].map(r => [r.top, r.bottom]) : [],
        breaks: breaks,
    };
}))"""
SEPARATORS = " :/-,;"


def test_failing_tables_keep_words_whole_at_1400_px(aws_env, pytester, offline_page):
    html_path = pytester.path / "report.html"
    # A process of its own: the demo's moto backends are per process (test_demo_report has one).
    result = pytester.runpytest_subprocess(
        str(CHECKS_DIR), "--aws-demo", "-p", "pytest_cis_aws.entry", "-p", "no:cacheprovider",
        "-p", "pytest_html.plugin", "-p", "pytest_metadata.plugin", f"--html={html_path}",
        f"--cis-json={pytester.path / 'findings.json'}",
    )
    assert html_path.is_file(), result.stdout.str()
    page = offline_page.open(html_path)
    assert page.viewport_size["width"] == 1400
    page.evaluate("document.querySelectorAll('details.cis-evidence').forEach(d => d.open = false)")
    tables = page.locator("table.cis-failing")
    assert tables.count() > 20
    rows = [row for table in tables.evaluate_all(MEASURE) for row in table]
    assert len(rows) > 100

    overlapping = [row["cells"] for row in rows
                   if any(left[1] > right[0] + 0.5 for left, right in zip(row["cells"], row["cells"][1:]))]
    assert overlapping == []
    assert [spill for row in rows for spill in row["spills"]] == []
    code_overlaps = [lines for lines in (row["codeLines"] for row in rows)
                     if any(upper[1] > lower[0] + 0.5 for upper, lower in zip(lines, lines[1:]))]
    assert code_overlaps == []
    broken = [b for row in rows for b in row["breaks"] if b[0] not in SEPARATORS and b[1] != " "]
    assert broken == [], f"{len(broken)} words broken, e.g. {broken[:5]}"

    # Message keeps a readable width beside a long fix (it was squeezed to about 100 px).
    widths = page.locator("#control-2-1-4 table.cis-failing thead th").evaluate_all(
        "ths => Object.fromEntries(ths.map(th => [th.textContent, th.getBoundingClientRect().width]))")
    assert widths["Message"] >= 250 and widths["Resource"] >= 200, widths

    SCREENSHOT.parent.mkdir(exist_ok=True)
    table = page.locator("#control-2-1-4 table.cis-failing")
    table.scroll_into_view_if_needed()
    table.screenshot(path=str(SCREENSHOT))
    assert offline_page.dialogs == [] and offline_page.page_errors == [] and offline_page.refused == []
