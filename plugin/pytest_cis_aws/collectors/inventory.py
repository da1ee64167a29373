"""The inventory: collector results for the whole estate, gathered once per run."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterable, Iterator

from ..aws.errors import AwsCallError, iam_action
from ..aws.reader import AwsReader, Read
from ..aws.sessions import GLOBAL_REGION
from .base import AccountAws, AccountUnit, Collector, RegionUnit, Unevaluable, Unit
from .estate import Estate, unavailable_error

Progress = Callable[[str, int, int], None]  # (account, done, total)


class Inventory:
    def __init__(self, estate: Estate, reader: AwsReader, max_workers: int = 16):
        self.estate = estate
        self.reader = reader
        self.max_workers = max_workers
        self._results: dict[tuple[str, str, str], Any] = {}
        self._locks: dict[tuple[str, str, str], threading.Lock] = {}
        self._guard = threading.Lock()

    @property
    def now(self):
        return self.estate.started

    def collect(self, collector: Collector, account: str, region: str = GLOBAL_REGION) -> Any:
        """The collector's result for one account (and region); raises AwsCallError."""
        key = (collector.name, account, region)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._results:
                aws = AccountAws(self.reader, account, self.now, self.estate.partition)
                try:
                    self._results[key] = collector(aws, region)
                except AwsCallError as error:
                    self._results[key] = error
                except Exception as exc:  # noqa: BLE001 - an answer the collector could not read
                    self._results[key] = _unreadable(aws, collector, region, exc)
            found = self._results[key]
        if isinstance(found, AwsCallError):
            raise found
        return found

    def forget_results(self) -> None:
        """Drop the collectors' results once every unit is built (see AwsReader.forget_answers)."""
        with self._guard:
            self._results.clear()
            self._locks.clear()

    def read_collected(self, collector: Collector, account: str, region: str = GLOBAL_REGION) -> Read:
        """The collector's result, or the AWS error that kept it from being read."""
        try:
            return Read(self.collect(collector, account, region))
        except AwsCallError as error:
            return Read(None, error)

    def jobs(self, collectors: Iterable[Collector]) -> list[tuple[Collector, str, str]]:
        work = []
        for account in self.estate.integrated:
            for found in collectors:
                regions = account.regions if found.regional else [GLOBAL_REGION]
                work.extend((found, account.id, region) for region in regions)
        return work

    def gather(self, collectors: Iterable[Collector], max_workers: int, progress: Progress | None = None) -> None:
        """Run every collector over the estate on a bounded thread pool."""
        work = self.jobs(collectors)
        per_account = {a.id: 0 for a in self.estate.integrated}
        totals = {a: sum(1 for _, acct, _ in work if acct == a) for a in per_account}
        done_lock = threading.Lock()

        def run(job: tuple[Collector, str, str]) -> None:
            found, account, region = job
            try:
                self.collect(found, account, region)
            except AwsCallError:
                pass  # kept in the inventory; the affected units report it as ERROR
            if progress:
                with done_lock:
                    per_account[account] += 1
                    progress(account, per_account[account], totals[account])

        with ThreadPoolExecutor(max_workers=max(1, max_workers)) as pool:
            list(pool.map(run, work))

    # -- building units ---------------------------------------------------
    def per_account(
        self,
        collector: Collector,
        build: Callable[[str, Any], Iterable[Unit]],
        what: str = "account",
    ) -> Iterator[Unit]:
        """Units built from a global collector's result, account by account.

        An account that could not be reached, or whose collector failed, yields one
        Unevaluable unit labelled ``what`` carrying the reason.
        """
        self.gather([collector], self.max_workers)  # cached results: free when gathered already
        for account in self.estate.accounts:
            if not account.integrated:
                yield _unevaluable(unavailable_error(account), GLOBAL_REGION, what)
                continue
            try:
                result = self.collect(collector, account.id)
            except AwsCallError as error:
                yield _unevaluable(error, GLOBAL_REGION, what)
                continue
            yield from build(account.id, result)

    def per_region(
        self,
        collector: Collector,
        build: Callable[[str, str, Any], Iterable[Unit]],
        what: str = "",
    ) -> Iterator[Unit]:
        """Units built from a regional collector's result, for every account and region."""
        self.gather([collector], self.max_workers)
        for account in self.estate.accounts:
            if not account.integrated:
                yield _unevaluable(unavailable_error(account), GLOBAL_REGION, what or "account")
                continue
            for region in account.regions:
                try:
                    result = self.collect(collector, account.id, region)
                except AwsCallError as error:
                    yield _unevaluable(error, region, what)
                    continue
                yield from build(account.id, region, result)

    def accounts(self, collector: Collector | None = None) -> Iterator[Unit]:
        """One AccountUnit per account (for account-level controls)."""
        if collector is None:
            for account in self.estate.accounts:
                if account.integrated:
                    yield AccountUnit(account=account.id, region=GLOBAL_REGION, resource=account.id, label="account")
                else:
                    yield _unevaluable(unavailable_error(account), GLOBAL_REGION, "account")
            return
        yield from self.per_account(
            collector,
            lambda account, record: [record],
        )

    def regions(self, collector: Collector) -> Iterator[Unit]:
        """One RegionUnit per account and region, holding the collector's result."""
        yield from self.per_region(
            collector,
            lambda account, region, record: [
                RegionUnit(account=account, region=region, resource=account, record=record)
            ],
        )


def _unreadable(aws: AccountAws, collector: Collector, region: str, exc: Exception) -> AwsCallError:
    """A collector tripped over an answer (a missing field, a value of an unexpected
    type): an ERROR naming what it read, never an exception that stops the whole run."""
    service, operation = aws.operations[-1] if aws.operations else ("", collector.name)
    read = ", ".join(dict.fromkeys(iam_action(s, o) for s, o in aws.operations)) or "nothing"
    message = f"the {collector.name} collector could not use the answers to {read}: {type(exc).__name__}: {exc}"
    return AwsCallError(aws.account, region, service, operation, "UnexpectedResponse", message)


def _unevaluable(error: AwsCallError, region: str, what: str) -> Unevaluable:
    return Unevaluable(account=error.account, region=region, resource=error.account, label=what, error=error)
