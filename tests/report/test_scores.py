"""Compliance scores: passed / (passed + failed + known), with errors, manual and waived
beside the ratio, per control, section, account and overall, the same in every output."""
from __future__ import annotations

import re

from pytest_cis_aws.report import findings_json, html, markdown, terminal, view
from pytest_cis_aws.summary import Score
from tests.report.test_renderers import A, B, C, sample_state


def test_score_counts_only_passed_and_failed_and_never_rounds_to_a_perfect_or_zero_score():
    assert Score(passed=3, failed=1, errors=5, manual=2, waived=4).percent == 75.0
    assert Score(passed=3, failed=1, errors=5, manual=2, waived=4, known=1).percent == 60.0  # known count as failed
    assert Score(passed=2, failed=1).text == "66.7" and Score(passed=1, failed=2).text == "33.3"
    assert Score(passed=9999, failed=1).percent == 99.9  # one failure keeps it below 100
    assert Score(passed=1, failed=9999).percent == 0.1  # one pass keeps it above 0
    assert Score(passed=5).percent == 100.0 and Score(failed=5).percent == 0.0
    # Only errors, manual or waived failures: nothing was judged, so no score.
    assert Score(errors=3, manual=1, waived=2).percent is None
    assert Score(errors=3).text == "n/a"


def test_scores_per_control_section_account_and_overall_with_errors_and_waivers():
    scores = sample_state().scores()
    # 1.4 passes twice; 2.1.4 fails, passes and errors once; 3.9 is manual and waived only.
    assert scores["controls"] == {
        "1.4": {"percent": 100.0, "passed": 2, "failed": 0, "errors": 0, "manual": 0, "waived": 0, "known": 0, "not_applicable": 0},
        "2.1.4": {"percent": 50.0, "passed": 1, "failed": 1, "errors": 1, "manual": 0, "waived": 0, "known": 0, "not_applicable": 0},
        "3.9": {"percent": None, "passed": 0, "failed": 0, "errors": 0, "manual": 1, "waived": 1, "known": 0, "not_applicable": 0},
    }
    assert {k: v["percent"] for k, v in scores["sections"].items()} == {"1": 100.0, "2": 50.0, "3": None}
    assert {k: (v["percent"], v["errors"], v["waived"]) for k, v in scores["accounts"].items()} == {
        A: (50.0, 0, 0), B: (100.0, 1, 1), C: (None, 0, 0)}
    assert scores["overall"] == {"percent": 75.0, "passed": 3, "failed": 1, "errors": 1, "manual": 1,
                                 "waived": 1, "known": 0, "not_applicable": 0}
    assert findings_json.document(sample_state())["scores"] == scores


def test_every_renderer_shows_the_state_scores():
    state = sample_state()
    scores = state.scores()
    text = lambda s: "n/a" if s["percent"] is None else f"{s['percent']:.1f}"  # noqa: E731

    lines = terminal.lines(state, 120)
    assert "Compliance score: 75.0 % (3 passed of 4 judged; not in the score: errors 1, manual 1, waived 1)" \
        in lines
    for control, score in scores["controls"].items():
        assert any(re.match(rf"{re.escape(control)}\s.*\s{re.escape(text(score))}$", line) for line in lines), control
    for section, score in scores["sections"].items():
        assert any(re.match(rf"{section}\s+\S.*\s{re.escape(text(score))}$", line) for line in lines), section
    for account, score in scores["accounts"].items():
        assert any(re.match(rf"{account}\s+\d+\s+\d+\s+\d+\s+{re.escape(text(score))}$", line) for line in lines)

    page = html.fragment(view.build(state), state)
    assert re.search(r'data-score="overall">([^<]+)<', page).group(1) == "75.0"
    assert re.findall(r'data-score="section">([^<]+)<', page) == [text(s) for s in scores["sections"].values()]
    assert re.findall(r'data-score="control">([^<]+)<', page) == [text(s) for s in scores["controls"].values()]
    assert re.findall(r'data-score="account">([^<]+)<', page) == [text(s) for s in scores["accounts"].values()]

    document = markdown.document(state)
    assert "Compliance score: **75.0 %**" in document
    assert f"| {A} | 1 | 1 | 0 | 1 | 50.0 |" in document and f"| {C} | 0 | 0 | 0 | 0 | n/a |" in document
