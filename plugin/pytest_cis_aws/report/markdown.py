"""``--cis-md PATH``: totals and the compliance summary in Markdown, for CI logs and
pull-request comments. Apart from ids, titles and counts, it carries the reasons accounts
could not be integrated, the regions not audited and why, the facts manual controls recorded for the person deciding, and
why a control does not apply to a unit: all text from AWS is escaped."""
from __future__ import annotations

from pathlib import Path

from ..summary import SummaryState
from . import terminal, view

# Characters Markdown (and GitHub's HTML sanitiser) would read as syntax, each escaped with a
# backslash: the backslash first, so the ones added after are not escaped again. str.replace
# per character, not re.sub's template (about 4x slower) nor str.translate (slower still):
# OSCAL escapes a few million strings at organisation scale.
SPECIAL = "\\`*_{}[]()#+!|<>~"


def _escaped(text: str) -> str:
    for character in SPECIAL:
        if character in text:
            text = text.replace(character, "\\" + character)
    return text


def md_lines(value: str) -> str:
    """Several lines, each escaped as md_text escapes one, the line breaks kept (a fix's commands)."""
    return "\n".join(_escaped(line) for line in str(value).splitlines())


def md_text(value: str) -> str:
    """Text from AWS (or anywhere) made inert in Markdown: one line, its special characters escaped."""
    return _escaped(" ".join(str(value).split()))


def document(state: SummaryState, command: str = "") -> str:
    v = view.build(state, command)
    t = v.totals
    out = [
        f"# {v.benchmark_name}",
        "",
        f"Level {v.level}; generated {v.generated}; accounts: {', '.join(v.accounts) or 'none'}; "
        f"regions: {', '.join(v.regions) or 'none'}.",
        "",
        "| Accounts integrated | Resources scanned | Failed | Passed | Errors | Manual |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {t.accounts_integrated} of {t.accounts_total} | {t.resources_scanned} | {t.failed} | {t.passed} "
        f"| {t.errors} | {t.manual} |",
    ]
    score = t.score
    out += ["", f"Compliance score: **{terminal.percent(score)}** ({terminal.score_note(score)})"]
    for status, count in v.other_statuses:
        out.append(f"\n{md_text(view.status_label(status))}: {count}")
    if v.not_integrated:
        out += ["", "Accounts not integrated:", ""]
        out += [f"- {a.id}: {md_text(a.reason)}" for a in v.not_integrated]
    if v.skipped_regions:  # opt-in regions not enabled, regions an SCP closes: not audited, never passed
        out += ["", "Regions not audited:", ""]
        out += [f"- {account} {region}: {md_text(reason)}" for account, region, reason in v.skipped_regions]
    if v.gating_notes:
        out += [""] + [f"- {md_text(note)}" for note in v.gating_notes]
    errors = ["Errors"] if v.show_errors else []
    out += [
        "",
        "| Section | Title | Failed | Passed |" + "".join(f" {e} |" for e in errors) + " % |",
        "|---|---|---:|---:|" + "---:|" * len(errors) + "---:|",
    ]
    for section in v.sections:
        subtotal = [section.failed, section.passed] + ([section.errors] if errors else []) + [section.score.text]
        out.append(f"| **{section.number}** | **{md_text(section.title)}** |" + "".join(f" **{n}** |" for n in subtotal))
        for row in section.rows:
            counts = [row.failed, row.passed] + ([row.errors] if errors else []) + [row.score.text]
            out.append(f"| {row.control.id} | {md_text(row.control.title)} |" + "".join(f" {n} |" for n in counts))
    out += ["", "| Account | Failed | Passed | Errors | Manual | % |", "|---|---:|---:|---:|---:|---:|"]
    out += [f"| {a.id} | {a.failed} | {a.passed} | {a.errors} | {a.manual} | {a.score.text} |" for a in v.per_account]
    if v.owners:
        out += ["", f"Owners: the value of tag {md_text(v.owners.tag)} on the resource, else on its account."
                + (f" {md_text(v.owners.account_tags)}" if v.owners.account_tags else ""),
                "", "| Owner | Failed | Passed | Errors | Manual | % |", "|---|---:|---:|---:|---:|---:|"]
        out += [f"| {md_text(o.id) or '(no owner)'} | {o.failed} | {o.passed} | {o.errors} | {o.manual} | {o.score.text} |"
                for o in v.per_owner]
    out += _noted(v.details)
    return "\n".join(out) + "\n"


def _noted(details: list[view.Detail]) -> list[str]:
    """The facts manual controls recorded, and the units controls do not apply to, with why."""
    out = []
    manual = [d for d in details if d.manual]
    if manual:
        out += ["", "## Facts to review", "", "Manual controls: a person decides, from the facts the suite read."]
        for detail in manual:
            out += ["", f"### {detail.control.id} {md_text(detail.control.title)}"]
            for unit in detail.manual:
                out += ["", f"- **{unit.account} {md_text(unit.region)} {md_text(unit.resource)}**: {md_text(unit.message)}"]
                out += [f"  - {md_text(item.source)} {md_text(name)}: {md_text(value)}"
                        for item in unit.evidence for name, value in item.fields]
    not_applicable = [(d, unit) for d in details for unit in d.not_applicable]
    if not_applicable:
        out += ["", "## Not applicable", "", "Never counted as passed or failed.", ""]
        out += [f"- {d.control.id} {unit.account} {md_text(unit.region)} {md_text(unit.resource)}: {md_text(unit.message)}"
                for d, unit in not_applicable]
    return out


def write(state: SummaryState, path: Path, command: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document(state, command), encoding="utf-8")


def write_file(state: SummaryState, path: Path, context) -> None:
    """The outputs table's entry point (report/outputs.py)."""
    write(state, path, context.command)
