"""What the HTML and Markdown reports show, arranged from the summary state.

The summary state decides every count; this module only groups and orders them
(controls under their section, failing units under their control) so the
renderers stay free of arithmetic and verdicts.
"""
from __future__ import annotations

import json
import shlex
import string
from collections import Counter
from functools import lru_cache
from dataclasses import dataclass, field

from ..finding import Finding
from ..outcomes import ERROR, FAIL, MANUAL, NOT_APPLICABLE
from ..registry import Control, kinds, template_fields
from ..summary import FAILED_STATUSES, PASSED_STATUSES, ControlCounts, Score, SummaryState, Totals
from .. import fixes
from . import charts, history, terminal, trend

# The finding property carrying a failing unit's fix (fixes.Fix as JSON).
FIX_FIELD = "fix"


# How a status reads in prose ("Not applicable"); the rest read as their capitalised name.
STATUS_LABELS = {NOT_APPLICABLE: "Not applicable"}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.capitalize())


def anchor(control_id: str) -> str:
    """The HTML id of a control's details block: ``control-1-4``."""
    return "control-" + control_id.replace(".", "-")


def account_anchor(control_id: str, account: str) -> str:
    """The HTML id of an account's first failing resource in a control's details."""
    return f"{anchor(control_id)}--{account}"


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    rows: list[ControlCounts]
    counts: Counter = field(default_factory=Counter)  # every status of the section's units

    @property
    def score(self) -> Score:
        return Score.of(self.counts)

    @property
    def failed(self) -> int:
        return sum(r.failed for r in self.rows)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.rows)

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.rows)

    @property
    def manual(self) -> int:
        return sum(r.manual for r in self.rows)


@dataclass(frozen=True)
class EvidenceItem:
    """One API call's deciding fields, as the report shows them: (name, value as text)."""

    source: str
    fields: list[tuple[str, str]]


def evidence_items(finding: Finding) -> list[EvidenceItem]:
    """The finding's evidence for display; values that are not text are shown as JSON."""
    return [
        EvidenceItem(item.source, [
            (name, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True))
            for name, value in item.fields
        ])
        for item in finding.evidence
    ]


@dataclass(frozen=True)
class FailingUnit:
    account: str
    region: str
    resource: str
    message: str
    fix: str
    anchor: str = ""  # set on the account's first failing resource of the control (the heat map links there)
    evidence: list[EvidenceItem] = field(default_factory=list)


@dataclass(frozen=True)
class WaivedUnit:
    account: str
    region: str
    resource: str
    message: str
    reason: str
    owner: str
    expires: str
    evidence: list[EvidenceItem] = field(default_factory=list)
    fix: str = ""  # accepted is not fixed: the fix is shown beside the waiver


@dataclass(frozen=True)
class NotedUnit:
    """A unit a person must look at: a manual control's facts, or why a control does not apply."""

    account: str
    region: str
    resource: str
    message: str
    evidence: list[EvidenceItem] = field(default_factory=list)


@dataclass(frozen=True)
class Detail:
    row: ControlCounts
    waived: list[WaivedUnit] = field(default_factory=list)
    # MANUAL units that carry facts the suite read for the person deciding.
    manual: list[NotedUnit] = field(default_factory=list)
    not_applicable: list[NotedUnit] = field(default_factory=list)
    state: SummaryState | None = field(default=None, repr=False, compare=False)

    @property
    def failing(self) -> list[FailingUnit]:
        """The control's failing units, read from the state when asked (no renderer keeps them
        all: the HTML page embeds them as units, the Markdown counts them)."""
        if self.state is None:
            return []
        out, anchored = [], set()
        for finding in self.state.sorted_findings():
            if finding.control != self.control.id or finding.status != FAIL:
                continue
            account = finding.account
            unit_anchor = "" if account in anchored else account_anchor(self.control.id, account)
            anchored.add(account)
            out.append(FailingUnit(account, finding.region, finding.resource, finding.message,
                                   fixes.text(finding.fix), unit_anchor, evidence_items(finding)))
        return out

    @property
    def control(self) -> Control:
        return self.row.control

    @property
    def anchor(self) -> str:
        return anchor(self.control.id)


@dataclass(frozen=True)
class AccountRow:
    id: str
    failed: int
    passed: int
    errors: int
    manual: int
    integrated: bool
    reason: str
    score: Score = field(default_factory=Score)


@dataclass(frozen=True)
class View:
    benchmark_name: str
    benchmark_version: str
    level: int
    generated: str
    command: str
    accounts: list[str]
    regions: list[str]
    totals: Totals
    not_integrated: list[AccountRow]
    skipped_regions: list[tuple[str, str, str]]  # (account, region, reason)
    sections: list[Section]
    per_account: list[AccountRow]
    details: list[Detail]
    show_errors: bool = field(default=False)
    # Baseline, waivers and what this run left out (plugin/pytest_cis_aws/gating), worded as in the terminal.
    gating_notes: list[str] = field(default_factory=list)
    charts: charts.Charts | None = None
    trend: trend.Trend | None = None  # with --cis-history: the kept runs and this one
    # With --cis-owner-tag: the tag and how account tags were read (owners.OwnerReport), and a row per owner.
    owners: object | None = None
    per_owner: list[AccountRow] = field(default_factory=list)

    @property
    def other_statuses(self) -> list[tuple[str, int]]:
        """Counts of statuses beyond the four shown (waivers, once they exist): never folded into Passed."""
        shown = {*FAILED_STATUSES, *PASSED_STATUSES, ERROR, MANUAL}
        return [(status, n) for status, n in self.totals.by_status.items() if status not in shown]

    @property
    def linked(self) -> set[str]:
        """Controls whose summary row links to their details block."""
        return {d.control.id for d in self.details}

    @property
    def title(self) -> str:
        estate = f"{len(self.accounts)} account{'s' if len(self.accounts) != 1 else ''}"
        return f"{self.benchmark_name}: {estate}"


def build(state: SummaryState, command: str = "") -> View:
    """Arrange ``state`` for display; ``command`` is the command line of the run."""
    rows = state.per_control()
    section_counts = state.section_counts()
    sections: list[Section] = []
    for row in rows:
        if not sections or sections[-1].number != row.control.section:
            number = row.control.section
            sections.append(Section(number, row.control.section_title, [], section_counts[number]))
        sections[-1].rows.append(row)

    # Failing units are not kept here: an organisation has a million of them. The HTML page
    # renders them from its embedded units; Detail.failing reads them again when asked.
    waived: dict[str, list[WaivedUnit]] = {}
    noted: dict[tuple[str, str], list[NotedUnit]] = {}  # (control, MANUAL or NOT_APPLICABLE) -> units
    first_failing: dict[tuple[str, str], str] = {}  # (account, section) -> anchor, in benchmark order
    failing_accounts = state.failing_accounts()
    for row in rows:  # benchmark order: a section's first control failing in an account gets the link
        for account in sorted(failing_accounts.get(row.control.id, ())):
            first_failing.setdefault((account, row.control.section), account_anchor(row.control.id, account))
    for finding in state.noted_findings():
        if finding.status == NOT_APPLICABLE or (finding.status == MANUAL and finding.evidence):
            noted.setdefault((finding.control, finding.status), []).append(
                NotedUnit(finding.account, finding.region, finding.resource, finding.message,
                          evidence_items(finding))
            )
        elif finding.waiver is not None:
            waived.setdefault(finding.control, []).append(
                WaivedUnit(finding.account, finding.region, finding.resource, finding.message,
                           finding.waiver.reason, finding.waiver.owner,
                           finding.waiver.expires, evidence_items(finding), fixes.text(finding.fix))
            )
    details = [
        Detail(row, waived.get(row.control.id, []), noted.get((row.control.id, MANUAL), []),
               noted.get((row.control.id, NOT_APPLICABLE), []), state)
        for row in rows
        if row.failed or row.control.id in waived or any(key[0] == row.control.id for key in noted)
    ]

    estate_accounts = state.estate.accounts if state.estate else []
    reasons = {a.id: (a.integrated, a.error or "") for a in estate_accounts}
    per_account = [
        AccountRow(account, sum(counts[s] for s in FAILED_STATUSES), sum(counts[s] for s in PASSED_STATUSES),
                   counts[ERROR], counts[MANUAL], *reasons.get(account, (True, "")), score=Score.of(counts))
        for account, counts in state.per_account().items()
    ]
    regions = sorted({r for a in estate_accounts for r in a.regions})
    return View(
        benchmark_name=state.benchmark_name,
        benchmark_version=state.benchmark,
        level=state.level,
        generated=state.generated.strftime("%Y-%m-%d %H:%M:%S UTC"),
        command=command,
        accounts=[a.id for a in estate_accounts],
        regions=regions,
        totals=state.totals(),
        not_integrated=[a for a in per_account if not a.integrated],
        skipped_regions=[(a.id, region, reason) for a in estate_accounts
                         for region, reason in sorted(a.skipped_regions.items())],
        sections=sections,
        per_account=per_account,
        details=details,
        show_errors=any(r.errors for r in rows),
        charts=charts.build(state, first_failing),
        trend=_trend(state),
        owners=state.owners,
        per_owner=[AccountRow(owner, sum(counts[s] for s in FAILED_STATUSES), sum(counts[s] for s in PASSED_STATUSES),
                              counts[ERROR], counts[MANUAL], True, "", score=Score.of(counts))
                   for owner, counts in state.per_owner().items()],
        gating_notes=[line.strip() for line in terminal.gating_lines(state.gating)],
    )


def _trend(state: SummaryState) -> trend.Trend | None:
    if state.history_path is None:
        return None
    try:
        runs = history.runs(state, state.history_path)
    except history.HistoryError:
        return None  # checked before the run: the file changed since, so no trend rather than no report
    if state.history_keep:
        runs = runs[-state.history_keep:]  # what the file keeps once this run is written
    return trend.build(runs, state.benchmark, {c.section: c.section_title for c in state.controls})


def fill_fix(template, unit) -> str:
    """A control's per-resource CLI fix with the unit's own fields filled in ("" when none).

    ``template`` is one template, or one per kind of resource ((kind, template), ...): the
    unit's label names its kind ("queue/orders" is a queue). The registry checked, when it
    loaded, that a template names only fields units of its kinds have (registry/kinds.py); a
    unit that lacks one anyway raises (fixes.build says the fix could not be built). A template is one or more
    commands separated by ``"; "``. A command naming a field that holds a tuple (the ids of a
    user's stale access keys) is written once per value, and left out when the tuple is
    empty, so every command can be pasted as is.
    """
    if isinstance(template, tuple):
        template = dict(template).get(kinds.label_kind(str(getattr(unit, "label", ""))))
    if not template:
        return ""
    # Names come from AWS and the command is meant to be pasted into a shell: quote
    # them, so a name with spaces or shell syntax stays one argument and runs nothing.
    # Only the fields the template names are looked up (this runs for every failing unit).
    fields = {}
    for name in template_fields(template):
        value = getattr(unit, name)  # AttributeError: a unit the catalogue's kind does not describe
        if callable(value):
            raise TypeError(f"the fix template names {name}, a method of the unit, not a field")
        fields[name] = _quoted(value)
    commands = []
    for command, named in _commands(template):
        repeated = next((name for name in named if isinstance(fields.get(name), tuple)), None)
        values = fields[repeated] if repeated else (None,)
        for value in values:
            filled = {**fields, repeated: value} if repeated else fields
            commands.append(string.Formatter().vformat(command, (), filled))
    return COMMAND_SEPARATOR.join(commands)


COMMAND_SEPARATOR = "; "


def _quoted(value):
    if isinstance(value, str):
        return shlex.quote(value)
    if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
        return tuple(shlex.quote(v) for v in value)
    return value


@lru_cache(maxsize=256)
def _commands(template: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The template's commands, each with the unit fields it names, in order."""
    return tuple((command, template_fields(command)) for command in template.split(COMMAND_SEPARATOR))
