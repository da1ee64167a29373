"""The estate: which accounts are audited, which could be reached, which regions each has."""
from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from ..aws import partitions
from ..aws.errors import AwsCallError
from ..aws.reader import AwsReader
from ..aws.sessions import GLOBAL_REGION, AccountUnavailable, SessionFactory

ENABLED_OPT_IN = {"opt-in-not-required", "opted-in"}


@dataclass
class AccountInfo:
    id: str
    integrated: bool
    error: str | None = None
    regions: list[str] = field(default_factory=list)
    # Regions asked for but not audited, with why (an opt-in region not enabled).
    skipped_regions: dict[str, str] = field(default_factory=dict)


@dataclass
class Estate:
    accounts: list[AccountInfo]
    started: dt.datetime  # the run's clock: ages (45, 90 days) are measured from here
    partition: str = partitions.DEFAULT  # the caller's: every ARN and region list comes from it
    # Every account the run was given, whichever shard audits it (empty: ``accounts``). An
    # organisation's shared evidence (the log group of its trail, its analyzer) is read from
    # these accounts without auditing them, so merged shards equal one run.
    run_accounts: tuple[str, ...] = ()

    @property
    def integrated(self) -> list[AccountInfo]:
        return [a for a in self.accounts if a.integrated]

    def account(self, account_id: str) -> AccountInfo:
        return next(a for a in self.accounts if a.id == account_id)

    def in_run(self, account_id: str) -> bool:
        """Part of the run: audited here, or given to the run and audited by another shard."""
        return account_id in self.run_accounts or any(a.id == account_id for a in self.accounts)

    @property
    def regions(self) -> list[str]:
        return sorted({r for a in self.accounts for r in a.regions})

    def to_dict(self) -> dict:
        return {"started": self.started, "partition": self.partition, "accounts": [asdict(a) for a in self.accounts],
                "run_accounts": list(self.run_accounts)}

    @classmethod
    def from_dict(cls, data: dict) -> "Estate":
        return cls([AccountInfo(**a) for a in data["accounts"]], data["started"], data.get("partition", partitions.DEFAULT),
                   tuple(data.get("run_accounts", ())))


def unavailable_error(account: AccountInfo) -> AwsCallError:
    """The error every unit of an account that could not be reached carries."""
    return AwsCallError(account.id, GLOBAL_REGION, "sts", "AssumeRole", "AccountUnavailable", account.error or "")


def run_clock() -> dt.datetime:
    """Now, to the second: the instant every age of the run is measured from."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def discover_estate(
    accounts: list[str],
    requested_regions: list[str] | None,
    sessions: SessionFactory,
    reader: AwsReader,
    max_workers: int,
    run_accounts: list[str] | None = None,
) -> Estate:
    started = run_clock()
    partition = sessions.partition

    def one(account: str) -> AccountInfo:
        try:
            sessions.session(account)
        except AccountUnavailable as exc:
            return AccountInfo(account, integrated=False, error=str(exc))
        try:
            described = reader.call(account, GLOBAL_REGION, "ec2", "DescribeRegions", {"AllRegions": True})
        except AwsCallError as exc:
            if requested_regions:
                return AccountInfo(account, True, regions=sorted(requested_regions))
            return AccountInfo(account, integrated=False, error=f"cannot list the account's regions: {exc}")
        enabled = {
            r["RegionName"]
            for r in described.get("Regions", [])
            if r.get("OptInStatus", "opt-in-not-required") in ENABLED_OPT_IN
            and partitions.of_region(r["RegionName"]) == partition
        }
        wanted = requested_regions or sorted(enabled)
        skipped = {r: _why_skipped(r, partition) for r in wanted if r not in enabled}
        return AccountInfo(account, True, regions=sorted(r for r in wanted if r in enabled), skipped_regions=skipped)

    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(accounts)))) as pool:
        found = list(pool.map(one, accounts))
    return Estate(sorted(found, key=lambda a: a.id), started, partition, tuple(sorted(set(run_accounts or accounts))))


def _why_skipped(region: str, partition: str) -> str:
    other = partitions.of_region(region)
    if other != partition:
        return f"in the {other} partition, not the caller's ({partition})"
    return "opt-in region not enabled in this account"
