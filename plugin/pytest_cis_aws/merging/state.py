"""The summary state of a merge, counted from the shards' streams instead of kept.

It answers every question a renderer asks a run's SummaryState (per control, per account,
per account and section, totals, the units noted one by one) from counts made in one pass
over the shards; ``sorted_findings()`` streams every finding again, in a run's order, by
merging the shards' streams (each shard file is in that order already: a run writes it so,
and ``ShardFile.normalise`` sorts any other).
"""
from __future__ import annotations

import heapq
from collections import Counter
from functools import partial
from typing import Iterator

from ..finding import Finding
from ..outcomes import FAIL
from ..summary import FAILED_STATUSES, ControlCounts, SummaryState, Totals, is_noted, sort_key
from . import parallel
from .files import ShardFile


class _Findings:
    """``state.findings`` of a merge: its length, and the findings streamed when iterated."""

    def __init__(self, state: "StreamedSummary"):
        self._state = state

    def __len__(self) -> int:
        return self._state.count

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._state.sorted_findings())


class StreamedSummary(SummaryState):
    def __init__(self, *args, shards: list[ShardFile], **kwargs):
        super().__init__(*args, **kwargs)
        self.shards = shards
        self.key = sort_key({c.id: i for i, c in enumerate(self.controls)})
        # (control, account, status, owner) -> units: every count a renderer shows derives from
        # it (owner "" without --cis-owner-tag).
        self.tally: Counter = Counter()
        self.noted: list[Finding] = []
        self.count = 0

    # The base class sets ``self.findings = []``; a merge never holds them.
    @property
    def findings(self) -> _Findings:
        return _Findings(self)

    @findings.setter
    def findings(self, _value) -> None:
        pass

    def add(self, finding: Finding) -> None:
        raise TypeError("a merge counts findings from its shards (count()), it does not keep them")

    def count_shards(self, jobs: int = 1) -> None:
        """One pass over every shard (``jobs`` at a time): counts, noted units, and each shard's
        order checked."""
        counted = parallel.run_all([partial(self._count, shard) for shard in self.shards], jobs)
        for shard, result in zip(self.shards, counted):
            if result is None:
                # Out of a run's order (a file a script wrote): sorted into a copy, counted again.
                shard.normalise(self.key)
                result = self._count(shard)
                if result is None:
                    raise AssertionError(f"{shard.path}: findings still out of order after sorting")
            tally, noted, count = result
            self.tally.update(tally)
            self.noted += noted
            self.count += count

    def _count(self, shard: ShardFile) -> tuple[Counter, list[Finding], int] | None:
        """A shard's counts, its noted units and how many findings it has; None when its
        findings are not in a run's order."""
        tally, noted, count, key = Counter(), [], 0, self.key
        last = None
        for finding in shard.findings():
            position = key(finding)
            if last is not None and position < last:
                return None
            last = position
            tally[finding.control, finding.account, finding.status, finding.owner or ""] += 1
            if is_noted(finding):
                noted.append(finding)
            count += 1
        return tally, noted, count

    def sorted_findings(self) -> Iterator[Finding]:
        return heapq.merge(*(shard.findings() for shard in self.shards), key=self.key)

    def noted_findings(self) -> list[Finding]:
        return sorted(self.noted, key=self.key)

    def failing_accounts(self) -> dict[str, set[str]]:
        failing: dict[str, set[str]] = {}
        for (control, account, status, _owner), n in self.tally.items():
            if status in FAILED_STATUSES and n:
                failing.setdefault(control, set()).add(account)
        return failing

    def _by(self, part: int) -> dict[str, Counter]:
        out: dict[str, Counter] = {}
        for key, n in self.tally.items():
            out.setdefault(key[part], Counter())[key[2]] += n
        return out

    def per_control(self) -> list[ControlCounts]:
        by_control = self._by(0)
        return [ControlCounts(c, Counter(by_control.get(c.id, Counter()))) for c in self.controls]

    def per_account(self) -> dict[str, Counter]:
        accounts: dict[str, Counter] = {a.id: Counter() for a in (self.estate.accounts if self.estate else [])}
        for account, counts in self._by(1).items():
            accounts.setdefault(account, Counter()).update(counts)
        return dict(sorted(accounts.items()))

    def per_owner(self) -> dict[str, Counter]:
        if self.owners is None:
            return {}
        return dict(sorted(self._by(3).items()))

    def account_section_counts(self) -> dict[str, dict[str, Counter]]:
        section_of = {c.id: c.section for c in self.controls}
        cells = {account: {number: Counter() for number in dict.fromkeys(section_of.values())}
                 for account in self.per_account()}
        for (control, account, status, _owner), n in self.tally.items():
            if control in section_of:
                cells[account][section_of[control]][status] += n
        return cells

    def by_status(self) -> Counter:
        counts: Counter = Counter()
        for (_control, _account, status, _owner), n in self.tally.items():
            counts[status] += n
        return counts

    def totals(self) -> Totals:
        return self.totals_of(self.by_status())

    def failed_count(self) -> int:
        return self.by_status()[FAIL]

    def close(self) -> None:
        for shard in self.shards:
            shard.close()
