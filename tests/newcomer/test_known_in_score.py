"""Known failures count against the score (issue 19, defect 5).

After the baseline flow every failure is KNOWN, and the score used to read 100.0 % while
they failed. A baseline changes the gate, not compliance: KNOWN counts as failed in every
score (terminal, HTML, Markdown, findings JSON, charts, per section, per account). WAIVED
stays outside the score, an accepted risk, and is printed beside it; the totals line keeps
KNOWN and WAIVED beside Failed."""
from __future__ import annotations

import re

from pytest_cis_aws.report import charts, findings_json, html, markdown, terminal, view
from tests.report.test_renderers import A, B, BLOCK, FLOW_LOGS, ROOT_KEY, finding, sample_state


def state_after_baseline():
    """sample_state (3 passed, 1 failed, 1 waived...) with three known failures: 1.4 in A,
    2.1.4 in A and in B."""
    state = sample_state()
    for control, account, resource in ((ROOT_KEY, A, ""), (BLOCK, A, "arn:aws:s3:::old"), (BLOCK, B, "arn:aws:s3:::b")):
        state.add(finding(control, account, "KNOWN", resource, "already failing in the baseline"))
    return state


def test_every_score_counts_known_as_failed_and_leaves_waived_out():
    state = state_after_baseline()
    scores = state.scores()
    # 3 passed of 3 + 1 failed + 3 known; the waived 3.9 unit is in no score.
    assert scores["overall"]["percent"] == 42.9
    assert {k: v["percent"] for k, v in scores["sections"].items()} == {"1": 66.7, "2": 25.0, "3": None}
    assert {k: v["percent"] for k, v in scores["accounts"].items()} == {A: 25.0, B: 66.7, "333333333333": None}
    assert {k: v["percent"] for k, v in scores["controls"].items()} == {"1.4": 66.7, "2.1.4": 25.0, "3.9": None}
    assert findings_json.document(state)["scores"] == scores

    lines = terminal.lines(state, 120)
    # The totals line: Failed stays the new failures, with Waived and Known beside it.
    assert lines[1].startswith("Accounts integrated: 2 of 3   Resources scanned: 8   Failed: 1   Passed: 3")
    assert lines[1].endswith("Waived: 1   Known: 3")
    assert ("Compliance score: 42.9 % (3 passed of 7 judged, known failures counted as failed: 3; "
            "not in the score: errors 1, manual 1, waived 1)") in lines
    assert any(re.match(r"2\.1\.4\s.*\s25\.0$", line) for line in lines)
    assert any(re.match(rf"{A}\s+\d+\s+\d+\s+\d+\s+25\.0$", line) for line in lines)

    page = html.fragment(view.build(state), state)
    assert re.search(r'data-score="overall">([^<]+)<', page).group(1) == "42.9"
    assert re.findall(r'data-score="section">([^<]+)<', page) == ["66.7", "25.0", "n/a"]
    assert re.findall(r'data-score="account">([^<]+)<', page) == ["25.0", "66.7", "n/a"]
    assert "Compliance score: passed of passed + failed + known failures; 1 waived, outside it" in page

    document = markdown.document(state)
    assert "Compliance score: **42.9 %** (3 passed of 7 judged, known failures counted as failed: 3;" in document

    built = charts.build(state, {})
    assert [bar.score.text for bar in built.bars] == ["66.7", "25.0", "n/a"]
    assert 'data-section="2" data-percent="25.0" data-passed="1" data-failed="3"' in str(built.pass_rate_svg)
    cells = {(row.account, cell.section): (cell.failed, cell.judged) for row in built.heat for cell in row.cells}
    assert cells[(A, "1")] == (1, 2) and cells[(A, "2")] == (2, 2) and cells[(B, "2")] == (1, 2)


def test_only_known_failures_is_not_a_perfect_score():
    """The documented baseline flow: nothing new fails, everything known. Not 100 %."""
    state = sample_state().__class__("2.0.0", [ROOT_KEY, FLOW_LOGS], sample_state().estate)
    state.add(finding(ROOT_KEY, A, "PASS"))
    state.add(finding(ROOT_KEY, B, "KNOWN"))
    assert state.totals().score.text == "50.0"
    assert any(line.startswith("Compliance score: 50.0 %") for line in terminal.lines(state, 120))
