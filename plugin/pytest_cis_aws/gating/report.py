"""What gating adds to a run's summary: ``SummaryState.gating``, in every output.

Renderers read it; they compute nothing. It round-trips through the findings JSON
(``gating``) so ``cis-merge`` can combine shards.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class GatingReport:
    # Baseline comparison (None when the run had no --cis-baseline).
    baseline: str | None = None
    new: int | None = None  # failing now, not in the baseline
    known: int | None = None  # failing now and in the baseline
    fixed: int | None = None  # failing in the baseline, passing now
    fixed_by_control: dict[str, int] = field(default_factory=dict)  # the fixed units, per control
    # Waivers.
    waivers_file: str | None = None
    waivers_matched: list[str] = field(default_factory=list)  # waiver ids ("#2") that waived a failure
    waivers_expired: list[dict] = field(default_factory=list)  # past their date: no longer applied
    waivers_stale: list[dict] = field(default_factory=list)  # in force, but matched no failure
    # Selection.
    not_selected: list[str] = field(default_factory=list)  # left out by --cis-level / --cis-controls
    deselected: list[str] = field(default_factory=list)  # every unit deselected by -k / -m
    # Accounts.
    accounts_excluded: list[str] = field(default_factory=list)  # --aws-exclude-accounts
    accounts_skipped: dict[str, str] = field(default_factory=dict)  # not ACTIVE in the organisation
    shard: str | None = None  # "K/N" of a sharded run

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> "GatingReport":
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in (data or {}).items() if k in known})

    @classmethod
    def merge(cls, parts: list["GatingReport"], failed: int) -> "GatingReport":
        """One report for shards run over disjoint accounts with the same options; ``failed``:
        the merged findings that are FAIL (new against the baseline)."""
        def total(name: str):
            values = [getattr(p, name) for p in parts if getattr(p, name) is not None]
            return sum(values) if values else None

        matched = sorted({w for p in parts for w in p.waivers_matched}, key=lambda i: int(i.lstrip("#")))
        # A waiver is stale overall only if no shard used it.
        stale = _unique(w for p in parts for w in p.waivers_stale if w["id"] not in matched)
        merged = cls(
            baseline=next((p.baseline for p in parts if p.baseline), None),
            new=failed if total("new") is not None else None,
            known=total("known"),
            fixed=total("fixed"),
            fixed_by_control=_sum_by_key(p.fixed_by_control for p in parts),
            waivers_file=next((p.waivers_file for p in parts if p.waivers_file), None),
            waivers_matched=matched,
            waivers_expired=_unique(w for p in parts for w in p.waivers_expired),
            waivers_stale=stale,
            not_selected=_common(p.not_selected for p in parts),
            deselected=_common(p.deselected for p in parts),
            accounts_excluded=sorted({a for p in parts for a in p.accounts_excluded}),
            accounts_skipped={a: s for p in parts for a, s in sorted(p.accounts_skipped.items())},
            shard=None,
        )
        return merged


def _sum_by_key(counts) -> dict[str, int]:
    summed: dict[str, int] = {}
    for part in counts:
        for key, value in part.items():
            summed[key] = summed.get(key, 0) + value
    return summed


def _unique(waivers) -> list[dict]:
    seen: dict[str, dict] = {}
    for waiver in waivers:
        seen.setdefault(waiver["id"], waiver)
    return sorted(seen.values(), key=lambda w: int(w["id"].lstrip("#")))


def _common(lists) -> list[str]:
    lists = [list(x) for x in lists]
    if not lists:
        return []
    shared = set(lists[0]).intersection(*map(set, lists[1:]))
    return [c for c in lists[0] if c in shared]
