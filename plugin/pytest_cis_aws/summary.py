"""Summary state: findings and totals, kept apart from the renderers that show them."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from .collectors.estate import Estate
from .finding import Finding
from .outcomes import ERROR, FAIL, KNOWN, MANUAL, NOT_APPLICABLE, PASS, WAIVED
from . import registry
from .registry import Control

# Statuses that count as a scanned resource, and on which side.
FAILED_STATUSES = (FAIL,)
PASSED_STATUSES = (PASS,)
NOT_AVAILABLE = "n/a"


@dataclass(frozen=True)
class Score:
    """The compliance score of a group of units: passed / (passed + failed + known).

    A known failure (already failing in the baseline) counts as failed: a baseline changes
    the gate, not compliance. Errors, manual, waived and not-applicable units are outside the
    ratio and always shown beside it: an unevaluated unit is neither compliant nor not, a
    waived one is a risk someone accepted (Security Hub likewise leaves suppressed findings
    out of a control's status), and a control that does not apply to a unit says nothing
    about it.
    """

    passed: int = 0
    failed: int = 0
    errors: int = 0
    manual: int = 0
    waived: int = 0
    known: int = 0
    not_applicable: int = 0

    @classmethod
    def of(cls, counts: Counter) -> "Score":
        return cls(
            passed=sum(counts[s] for s in PASSED_STATUSES),
            failed=sum(counts[s] for s in FAILED_STATUSES),
            errors=counts[ERROR],
            manual=counts[MANUAL],
            waived=counts[WAIVED],
            known=counts[KNOWN],
            not_applicable=counts[NOT_APPLICABLE],
        )

    @property
    def failing(self) -> int:
        """The units that count against the score: failed, and known failures."""
        return self.failed + self.known

    @property
    def judged(self) -> int:
        return self.passed + self.failing

    @property
    def percent(self) -> float | None:
        """Rounded half up to one decimal, in integers; never 100.0 while a unit failed, nor
        0.0 while one passed. None when no unit was judged."""
        judged = self.judged
        if not judged:
            return None
        tenths = (2000 * self.passed + judged) // (2 * judged)
        if self.failing:
            tenths = min(tenths, 999)
        if self.passed:
            tenths = max(tenths, 1)
        return tenths / 10

    @property
    def text(self) -> str:
        """The score as every output prints it: "87.5" or "n/a"."""
        return NOT_AVAILABLE if self.percent is None else f"{self.percent:.1f}"

    def to_dict(self) -> dict:
        return {"percent": self.percent, "passed": self.passed, "failed": self.failed, "errors": self.errors,
                "manual": self.manual, "waived": self.waived, "known": self.known,
                "not_applicable": self.not_applicable}


@dataclass
class ControlCounts:
    control: Control
    counts: Counter = field(default_factory=Counter)

    @property
    def failed(self) -> int:
        return sum(self.counts[s] for s in FAILED_STATUSES)

    @property
    def passed(self) -> int:
        return sum(self.counts[s] for s in PASSED_STATUSES)

    @property
    def errors(self) -> int:
        return self.counts[ERROR]

    @property
    def manual(self) -> int:
        return self.counts[MANUAL]

    @property
    def waived(self) -> int:
        return self.counts[WAIVED]

    @property
    def not_applicable(self) -> int:
        return self.counts[NOT_APPLICABLE]

    @property
    def known(self) -> int:
        return self.counts[KNOWN]

    @property
    def score(self) -> Score:
        return Score.of(self.counts)


@dataclass
class Totals:
    accounts_integrated: int
    accounts_total: int
    resources_scanned: int
    failed: int
    passed: int
    errors: int
    manual: int
    by_status: dict[str, int]
    # Failing resources accepted by a waiver, or already failing in the baseline (not in
    # `failed`, shown beside it; the score counts the known ones as failed).
    waived: int = 0
    known: int = 0
    # Units a control does not apply to (not in `resources_scanned`, never passed or failed).
    not_applicable: int = 0

    @property
    def score(self) -> Score:
        return Score(self.passed, self.failed, self.errors, self.manual, self.waived, self.known,
                     self.not_applicable)


def is_noted(finding: Finding) -> bool:
    """A non-failing unit the report shows by itself (SummaryState.noted_findings)."""
    status = finding.status
    if status in FAILED_STATUSES:
        return False
    return status == NOT_APPLICABLE or (status == MANUAL and bool(finding.evidence)) or finding.waiver is not None


def sort_key(order: dict[str, int]):
    """How every output orders findings: control (benchmark order), account, region, label,
    resource. cis-merge merges shards' streams already in this order (merging/)."""
    def key(f: Finding) -> tuple:
        return (order.get(f.control, 10**6), f.account, f.region, f.label, f.resource)
    return key


class SummaryState:
    """Everything the reports show, built on the process that writes them."""

    def __init__(self, benchmark: str, controls: list[Control], estate: Estate | None = None, level: int = 2):
        self.benchmark = benchmark
        self.controls = controls  # the selected controls, in benchmark order
        self.estate = estate
        self.level = level
        self.findings: list[Finding] = []
        # Logical AWS calls, distinct calls and API requests of the live run (0 on replay).
        self.aws_calls: dict[str, int] = {"calls": 0, "distinct": 0, "requests": 0}
        self.generated = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        # Waivers, baseline (new/known/fixed), selection, Organizations, shard: a
        # pytest_cis_aws.gating.report.GatingReport, set at the end of the run (None before).
        self.gating = None
        # The --cis-history file whose kept runs the HTML report draws as a trend (None: no trend).
        self.history_path = None
        self.history_keep: int | None = None  # the runs it keeps (--cis-history-keep): the trend draws those
        # --cis-owner-tag: a pytest_cis_aws.owners.OwnerReport once owners are read (None: not asked);
        # each finding then carries its owner.
        self.owners = None

    @property
    def benchmark_name(self) -> str:
        return registry.benchmark(self.benchmark).name

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=sort_key({c.id: i for i, c in enumerate(self.controls)}))

    def noted_findings(self):
        """Sorted findings the report lists one by one besides failures: units a control does
        not apply to, manual units with facts, waived units. Few, even at organisation scale."""
        return [f for f in self.sorted_findings() if is_noted(f)]

    def failing_accounts(self) -> dict[str, set[str]]:
        """The accounts with a failing unit, per control (the heat map links to the first)."""
        failing: dict[str, set[str]] = {}
        for finding in self.findings:
            if finding.status in FAILED_STATUSES:
                failing.setdefault(finding.control, set()).add(finding.account)
        return failing

    def per_control(self) -> list[ControlCounts]:
        rows = {c.id: ControlCounts(c) for c in self.controls}
        for finding in self.findings:
            if finding.control in rows:
                rows[finding.control].counts[finding.status] += 1
        return list(rows.values())

    def per_account(self) -> dict[str, Counter]:
        accounts: dict[str, Counter] = {a.id: Counter() for a in (self.estate.accounts if self.estate else [])}
        for finding in self.findings:
            accounts.setdefault(finding.account, Counter())[finding.status] += 1
        return dict(sorted(accounts.items()))

    def per_owner(self) -> dict[str, Counter]:
        """Statuses per owner ("" for findings without one), owners sorted; empty without --cis-owner-tag."""
        if self.owners is None:
            return {}
        owners: dict[str, Counter] = {}
        for finding in self.findings:
            owners.setdefault(finding.owner or "", Counter())[finding.status] += 1
        return dict(sorted(owners.items()))

    def section_counts(self) -> dict[str, Counter]:
        """Statuses per section of the selected controls, in benchmark order."""
        sections: dict[str, Counter] = {c.section: Counter() for c in self.controls}
        for row in self.per_control():
            sections[row.control.section].update(row.counts)
        return sections

    def account_section_counts(self) -> dict[str, dict[str, Counter]]:
        """Statuses per account and section (the HTML report's heat map), accounts in order."""
        section_of = {c.id: c.section for c in self.controls}
        cells: dict[str, dict[str, Counter]] = {
            account: {number: Counter() for number in dict.fromkeys(section_of.values())}
            for account in self.per_account()
        }
        for finding in self.findings:
            section = section_of.get(finding.control)
            if section is not None:
                cells[finding.account][section][finding.status] += 1
        return cells

    def scores(self) -> dict:
        """Compliance scores per control, section, account and overall (the findings JSON's ``scores``)."""
        return {
            "overall": self.totals().score.to_dict(),
            "sections": {number: Score.of(counts).to_dict() for number, counts in self.section_counts().items()},
            "accounts": {account: Score.of(counts).to_dict() for account, counts in self.per_account().items()},
            "controls": {row.control.id: row.score.to_dict() for row in self.per_control()},
        }

    def totals(self) -> Totals:
        return self.totals_of(Counter(f.status for f in self.findings))

    def totals_of(self, by_status: Counter) -> Totals:
        """The totals from every finding's status counted (a merge counts them as they pass)."""
        failed = sum(by_status[s] for s in FAILED_STATUSES)
        passed = sum(by_status[s] for s in PASSED_STATUSES)
        accounts = self.estate.accounts if self.estate else []
        return Totals(
            accounts_integrated=sum(1 for a in accounts if a.integrated),
            accounts_total=len(accounts),
            resources_scanned=failed + passed + by_status[WAIVED] + by_status[KNOWN],
            failed=failed,
            passed=passed,
            errors=by_status[ERROR],
            manual=by_status[MANUAL],
            by_status=dict(sorted(by_status.items())),
            waived=by_status[WAIVED],
            known=by_status[KNOWN],
            not_applicable=by_status[NOT_APPLICABLE],
        )
