"""The terminal summary printed at the end of every run."""
from __future__ import annotations

import shutil

from ..gating.report import GatingReport
from ..summary import Score, SummaryState

# The score column of the summary and account tables: passed / (passed + failed), known failures
# counted as failed (summary.Score), in percent.
SCORE_HEADER = "%"
SCORE_WIDTH = 6  # " 100.0": narrower than a count column, so titles keep their room


def terminal_width() -> int:
    """The width pytest gives a run's output (its terminal writer's ``fullwidth``): COLUMNS,
    else the terminal's, else 80 (a pipe, a CI log); below 40 columns, 80. cis-merge uses it
    too, so its table is laid out as a run's is."""
    width = shutil.get_terminal_size(fallback=(80, 24)).columns
    return width if width >= 40 else 80


def lines(state: SummaryState, width: int | None = None) -> list[str]:
    width = width or terminal_width()
    totals = state.totals()
    out = [
        f"{state.benchmark_name}, level {state.level}",
        f"Accounts integrated: {totals.accounts_integrated} of {totals.accounts_total}   "
        f"Resources scanned: {totals.resources_scanned}   Failed: {totals.failed}   Passed: {totals.passed}   "
        f"Errors: {totals.errors}   Manual: {totals.manual}"
        + (f"   Waived: {totals.waived}   Known: {totals.known}" if totals.waived or totals.known else "")
        + (f"   Not applicable: {totals.not_applicable}" if totals.not_applicable else ""),
    ]
    out += gating_lines(state.gating)
    if state.estate:
        for account in state.estate.accounts:
            if not account.integrated:
                out.append(f"  not integrated: {account.id}: {account.error}")
            for region, reason in sorted(account.skipped_regions.items()):
                out.append(f"  region skipped: {account.id} {region}: {reason}")
    score = totals.score
    out.append(f"Compliance score: {percent(score)} ({score_note(score)})")
    rows = state.per_control()
    sections = {number: Score.of(counts) for number, counts in state.section_counts().items()}
    show_errors = any(r.errors for r in rows)
    show_accepted = any(r.waived or r.known for r in rows)
    numbers = ["Failed", "Passed"] + (["Errors"] if show_errors else []) + (["Waived", "Known"] if show_accepted else [])
    title_width = max(20, width - 8 - 9 * len(numbers) - SCORE_WIDTH)
    header = (f"{'Section':<8}{'Title':<{title_width}}" + "".join(f"{n:>9}" for n in numbers)
              + f"{SCORE_HEADER:>{SCORE_WIDTH}}")
    out += ["", header, "-" * len(header)]
    section = None
    for row in rows:
        if row.control.section != section:
            section = row.control.section
            out.append(f"{section:<8}{row.control.section_title:<{title_width}}"
                       + " " * 9 * len(numbers) + f"{sections[section].text:>{SCORE_WIDTH}}")
        title = row.control.title
        if len(title) > title_width - 1:
            title = title[: title_width - 4] + "..."
        values = [row.failed, row.passed] + ([row.errors] if show_errors else []) + ([row.waived, row.known] if show_accepted else [])
        out.append(f"{row.control.id:<8}{title:<{title_width}}" + "".join(f"{v:>9}" for v in values)
                   + f"{row.score.text:>{SCORE_WIDTH}}")
    out += ["", *account_lines(state)]
    return out


def score_note(score: Score) -> str:
    """What the score counts, and what it leaves beside it."""
    return (f"{score.passed} passed of {score.judged} judged"
            + (f", known failures counted as failed: {score.known}" if score.known else "")
            + f"; not in the score: errors {score.errors}, manual {score.manual}, waived {score.waived}"
            + (f", not applicable {score.not_applicable}" if score.not_applicable else ""))


def percent(score: Score) -> str:
    """ "87.5 %", or "n/a" when no unit was judged."""
    return score.text if score.percent is None else f"{score.text} %"


def account_lines(state: SummaryState) -> list[str]:
    """Failed, passed, errors and the score of each account."""
    header = f"{'Account':<14}{'Failed':>9}{'Passed':>9}{'Errors':>9}{SCORE_HEADER:>9}"
    out = [header, "-" * len(header)]
    for account, counts in state.per_account().items():
        score = Score.of(counts)
        out.append(f"{account:<14}{score.failed:>9}{score.passed:>9}{score.errors:>9}{score.text:>9}")
    return out


def gating_lines(gating: GatingReport | None) -> list[str]:
    """Baseline counts, waivers that no longer apply or matched nothing, what was left out."""
    if gating is None:
        return []
    out = []
    if gating.shard:
        out.append(f"Shard {gating.shard}: merge the shards' findings files with cis-merge")
    if gating.baseline:
        out.append(f"Against the baseline {gating.baseline}: New: {gating.new}   Known: {gating.known}   Fixed: {gating.fixed}")
    for waiver in gating.waivers_expired:
        out.append(f"  waiver expired, no longer applied: {_waiver(waiver)}")
    for waiver in gating.waivers_stale:
        out.append(f"  waiver stale, matched no failure: {_waiver(waiver)}")
    if gating.not_selected:
        out.append(f"  not selected (--cis-level, --cis-controls): {', '.join(gating.not_selected)}")
    if gating.deselected:
        out.append(f"  deselected (-k, -m): {', '.join(gating.deselected)}")
    if gating.accounts_excluded:
        out.append(f"  accounts excluded (--aws-exclude-accounts): {', '.join(gating.accounts_excluded)}")
    for account, status in gating.accounts_skipped.items():
        out.append(f"  account skipped: {account} is {status} in the organisation")
    return out


def _waiver(waiver: dict) -> str:
    return (f"{waiver['id']} control {waiver['control']} account {waiver['account']} region {waiver['region']} "
            f"resource {waiver['resource']} (owner {waiver['owner']}, expires {waiver['expires']})")
