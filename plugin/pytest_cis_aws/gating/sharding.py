"""``--cis-shard K/N``: this job audits a deterministic 1/N of the accounts.

Accounts are sorted and dealt round-robin, so the N shards are disjoint, together cover
every account, and differ in size by at most one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class ShardError(ValueError):
    pass


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    total: int

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"

    def accounts(self, accounts: list[str]) -> list[str]:
        ordered = sorted(set(accounts))
        return [a for position, a in enumerate(ordered) if position % self.total == self.index - 1]


def parse(value: str | None) -> Shard | None:
    if value is None:
        return None
    found = SHARD.match(value)
    if not found:
        raise ShardError(f"--cis-shard must look like K/N (e.g. 2/3), not {value!r}")
    index, total = int(found[1]), int(found[2])
    if total < 1 or not 1 <= index <= total:
        raise ShardError(f"--cis-shard {value}: K must be between 1 and N")
    return Shard(index, total)
