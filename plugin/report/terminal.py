"""The terminal summary printed at the end of every run."""
from __future__ import annotations

import shutil

from ..summary import SummaryState


def lines(state: SummaryState, width: int | None = None) -> list[str]:
    width = width or shutil.get_terminal_size((120, 24)).columns
    totals = state.totals()
    out = [
        f"{state.benchmark_name}, level {state.level}",
        f"Accounts integrated: {totals.accounts_integrated} of {totals.accounts_total}   "
        f"Resources scanned: {totals.resources_scanned}   Failed: {totals.failed}   Passed: {totals.passed}   "
        f"Errors: {totals.errors}   Manual: {totals.manual}",
    ]
    if state.estate:
        for account in state.estate.accounts:
            if not account.integrated:
                out.append(f"  not integrated: {account.id}: {account.error}")
            for region, reason in sorted(account.skipped_regions.items()):
                out.append(f"  region skipped: {account.id} {region}: {reason}")
    rows = state.per_control()
    show_errors = any(r.errors for r in rows)
    numbers = ["Failed", "Passed"] + (["Errors"] if show_errors else [])
    title_width = max(20, width - 8 - 9 * len(numbers))
    header = f"{'Section':<8}{'Title':<{title_width}}" + "".join(f"{n:>9}" for n in numbers)
    out += ["", header, "-" * len(header)]
    section = None
    for row in rows:
        if row.control.section != section:
            section = row.control.section
            out.append(f"{section:<8}{row.control.section_title}")
        title = row.control.title
        if len(title) > title_width - 1:
            title = title[: title_width - 4] + "..."
        values = [row.failed, row.passed] + ([row.errors] if show_errors else [])
        out.append(f"{row.control.id:<8}{title:<{title_width}}" + "".join(f"{v:>9}" for v in values))
    return out
