"""Units of evaluation and the records collectors build for them.

A *unit* is what one test outcome is about: an account, an account in a region, or
one resource. Collectors (one module per AWS service) read AWS through the cached
reader and return typed records; *unit sources* turn those records into the sorted
list of units a control is parametrised over.
"""
from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from ..aws.errors import AwsCallError
from ..aws.reader import AwsReader, Read
from ..aws.sessions import GLOBAL_REGION


@dataclass(frozen=True, kw_only=True)
class Unit:
    """One thing a control is evaluated on.

    ``errors`` maps an evidence field to the AWS error that left it unknown; a
    control that reads that field reports ERROR for this unit instead of guessing.
    """

    account: str
    region: str
    resource: str  # ARN where AWS has one, else the resource's own id (access key), else the account id
    label: str = ""  # readable part of the test id: "user/alice", "bucket/app-logs"
    errors: Mapping[str, AwsCallError] = field(default_factory=dict, compare=False, repr=False)

    @property
    def test_id(self) -> str:
        parts = [self.account, self.region] + ([self.label] if self.label else [])
        return "-".join(parts)

    @property
    def sort_key(self) -> tuple:
        return (self.account, self.region, self.label, self.resource)


@dataclass(frozen=True, kw_only=True)
class Unevaluable(Unit):
    """Units that could not even be listed (the account or the listing call failed)."""

    error: AwsCallError


@dataclass(frozen=True, kw_only=True)
class AccountUnit(Unit):
    """An account-level unit with no record of its own."""


@dataclass(frozen=True, kw_only=True)
class RegionUnit(Unit):
    """An account x region unit; ``record`` holds the collector's result for that region."""

    record: Any = None


# Resources of one kind a collector reads at the same time (AccountAws.each).
EACH_WORKERS = 8


class AccountAws:
    """What a collector sees: the cached reader bound to one account, and the run's clock."""

    def __init__(self, reader: AwsReader, account: str, now: dt.datetime, partition: str = "aws"):
        self._reader = reader
        self.account = account
        self.now = now
        self.partition = partition  # aws, aws-us-gov, aws-cn: every ARN a collector builds uses it
        # What the collector read, in order: names the answers a collector tripped over.
        self.operations: list[tuple[str, str]] = []

    def call(self, service: str, operation: str, region: str = GLOBAL_REGION, absent: Iterable[str] = (), **params) -> Any:
        """Response of one read; raises AwsCallError (the unit becomes an ERROR)."""
        self.operations.append((service, operation))
        return self._reader.call(self.account, region, service, operation, params, absent=absent)

    def read(self, service: str, operation: str, region: str = GLOBAL_REGION, absent: Iterable[str] = (), **params) -> Read:
        """Response of one read, or the error, for evidence that only some controls need."""
        self.operations.append((service, operation))
        return self._reader.read(self.account, region, service, operation, params, absent=absent)

    def poll(self, service: str, operation: str, region: str = GLOBAL_REGION, retry_on: Iterable[str] = (), **params) -> Any:
        self.operations.append((service, operation))
        return self._reader.poll(self.account, region, service, operation, params, retry_on=tuple(retry_on))

    def each(self, fn: Callable[[Any], Any], items: Iterable[Any], max_workers: int = EACH_WORKERS) -> list:
        """``fn(item)`` for every item, the items read at the same time (a bucket's reads do not
        wait for the previous bucket's); results in the items' order. The reader still bounds
        the requests in flight for the whole run."""
        items = list(items)
        if len(items) < 2:
            return [fn(item) for item in items]
        with ThreadPoolExecutor(max_workers=min(max_workers, len(items))) as pool:
            return list(pool.map(fn, items))


@dataclass(frozen=True)
class Collector:
    """A function that reads one service for one account (and region, if regional)."""

    name: str
    regional: bool
    fn: Callable[..., Any]

    def __call__(self, aws: AccountAws, region: str) -> Any:
        return self.fn(aws, region) if self.regional else self.fn(aws)



def collector(*, regional: bool) -> Callable:
    """Declare a collector. ``fn(aws)`` for global services, ``fn(aws, region)`` for regional."""

    def register(fn: Callable) -> Collector:
        name = f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"
        return Collector(name, regional, fn)

    return register


def errors_of(**reads: Read) -> dict[str, AwsCallError]:
    """The failed reads among ``reads``, keyed by the evidence field they feed."""
    return {name: read.error for name, read in reads.items() if read.error is not None}


UnitSource = Callable[["Inventory"], Iterable[Unit]]  # noqa: F821 (defined in inventory.py)


def sorted_units(units: Iterable[Unit]) -> list[Unit]:
    return sorted(units, key=lambda unit: unit.sort_key)
