"""The gate: turns accepted failures into WAIVED or KNOWN, and sums up what the run means.

``apply`` runs where the test runs (a plain run or an xdist worker), inside the
``pytest_runtest_makereport`` wrapper: a waived or known failure becomes a non-strict
xfail there, so terminal, junitxml, pytest-html and xdist all agree with the findings.
``conclude`` runs on the controller and fills ``SummaryState.gating``.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

from ..finding import identity_of
from ..outcomes import FAIL, KNOWN, PASS, PREFIX, WAIVED
from ..registry import controls as benchmark_controls
from .gating_options import GatingOptions
from .organizations import OrgAccounts
from .report import GatingReport
from .waivers import first_match


def run_date(started) -> dt.date:
    """The run's day (UTC): waivers expire by the same clock that measures ages."""
    if isinstance(started, str):
        started = dt.datetime.fromisoformat(started.replace("Z", "+00:00"))
    return started.astimezone(dt.timezone.utc).date() if started.tzinfo else started.date()


class Gate:
    def __init__(self, options: GatingOptions, custom_controls=()):
        self.options = options
        self.custom_controls = tuple(custom_controls)  # a team's own, listed with the version's
        self.organization: OrgAccounts | None = None
        self.shard_accounts: list[str] | None = None
        self.run_accounts: list[str] = []  # every account of the run, before sharding

    # -- accounts (controller) ------------------------------------------------
    def audited_accounts(self, requested: list[str], list_organization) -> list[str]:
        """``requested`` accounts, or the organisation's active ones; then this shard's."""
        accounts = requested
        if self.options.all_accounts:
            self.organization = list_organization(self.options.exclude_accounts)
            accounts = self.organization.active
        self.run_accounts = list(accounts)
        if self.options.shard:
            accounts = self.options.shard.accounts(accounts)
            self.shard_accounts = accounts
        return accounts

    def deal_replayed(self, accounts: list[str]) -> list[str] | None:
        """--cis-shard K/N on a replay: this shard's share of the snapshot's ``accounts``
        (None without --cis-shard), dealt as a live run deals its own."""
        if self.options.shard is None:
            return None
        self.shard_accounts = self.options.shard.accounts(accounts)
        return self.shard_accounts

    # -- each report (where the test runs) -------------------------------------
    def apply(self, report, properties: list[tuple[str, str]], today: dt.date) -> list[tuple[str, str]]:
        values = {name[len(PREFIX):]: value for name, value in properties}
        if values["status"] != FAIL:
            return properties
        waiver = first_match(
            list(self.options.waivers), today, values["check"], values["account"], values["region"], values["resource"]
        )
        if waiver is not None:
            extra = [("waiver", waiver.id), ("waiver_reason", waiver.reason), ("waiver_owner", waiver.owner),
                     ("waiver_expires", waiver.expires.isoformat())]
            reason = f"WAIVED by waiver {waiver.id} (owner {waiver.owner}, expires {waiver.expires}): {waiver.reason}"
            return self._accept(report, properties, WAIVED, reason, extra)
        known = self.options.baseline
        unit = identity_of(values["check"], values["account"], values["region"], values["resource"], values["label"])
        if known is not None and known.knows(unit):
            return self._accept(report, properties, KNOWN, f"KNOWN: already failing in the baseline {known.path}", [])
        return properties

    @staticmethod
    def _accept(report, properties, status, reason, extra):
        # A non-strict xfail, as pytest's own skipping plugin makes one.
        report.outcome = "skipped"
        report.wasxfail = reason
        changed = [(name, status if name == PREFIX + "status" else value) for name, value in properties]
        return changed + [(PREFIX + name, value) for name, value in extra]

    # -- the run's summary (controller) ------------------------------------------
    def conclude(self, state, today: dt.date, user_deselected=frozenset()) -> GatingReport:
        """``user_deselected``: the controls -k / -m deselected wholly (gating/run_verdict.py)."""
        findings = state.findings
        statuses = Counter(f.status for f in findings)
        selected = {c.id for c in state.controls}
        selected_checks = {c.check for c in state.controls}
        audited = [a.id for a in state.estate.accounts] if state.estate else []
        matched = {f.waiver.id for f in findings if f.status == WAIVED and f.waiver is not None}
        waivers = self.options.waivers
        expired = [w for w in waivers if w.expired(today)]
        stale = [
            w for w in waivers
            if not w.expired(today) and w.id not in matched
            # Only waivers this run could have used: another shard or selection may still need them.
            and any(w.covers_check(c) for c in selected_checks) and any(w.covers_account(a) for a in audited)
        ]
        known = self.options.baseline
        fixed = Counter()
        if known is not None:
            fixed = Counter(f.control for f in findings if f.status == PASS and known.knows(f.identity))
        org = self.organization
        report = GatingReport(
            baseline=known.path if known else None,
            new=statuses[FAIL] if known else None,
            known=statuses[KNOWN] if known else None,
            fixed=sum(fixed.values()) if known else None,
            fixed_by_control=dict(fixed),
            waivers_file=str(self.options.waivers_path) if self.options.waivers_path else None,
            waivers_matched=sorted(matched, key=lambda i: int(i.lstrip("#"))),
            waivers_expired=[w.to_dict() for w in expired],
            waivers_stale=[w.to_dict() for w in stale],
            not_selected=[c.id for c in (*benchmark_controls(state.benchmark), *self.custom_controls)
                          if c.id not in selected and c.id not in user_deselected],
            deselected=sorted(user_deselected, key=_control_order),
            accounts_excluded=list(org.excluded) if org else [],
            accounts_skipped=dict(org.skipped) if org else {},
            shard=str(self.options.shard) if self.options.shard else None,
        )
        state.gating = report
        return report


def _control_order(control_id: str) -> tuple:
    # The benchmark's numbered ids first, then a team's own (ORG.1) by section and number.
    parts = control_id.split(".")
    section = "" if parts[0].isdigit() else parts[0]
    return (section, *(int(p) for p in parts if p.isdigit()))
