"""Unit sources for your own controls, with no collector to write.

* :data:`accounts`: one unit per audited account (``<account>-global-account``);
* :data:`regions`: one unit per audited account and enabled region (``<account>-<region>``);
* :func:`resources`: one unit per item of an AWS listing (``<account>-<region>-<kind>/<name>``),
  read once per account (global services) or per account and region;
* :data:`buckets`: every S3 bucket, in its own region.

Like the CIS controls' unit sources they run on the controller while evidence is
gathered, before collection, through the cached read-only reader: under xdist the
workers replay them. An account the audit could not reach, or a listing AWS refused,
is one ERROR unit naming the account, region and action; never an empty listing.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping

import jmespath

from ..aws.errors import AwsCallError
from ..aws.sessions import GLOBAL_REGION
from ..collectors.base import AccountUnit, Collector, RegionUnit, Unevaluable, Unit
from ..collectors.estate import unavailable_error
from ..collectors.s3 import bucket_region

# Services whose listings are made once per account (their resources are not per region).
GLOBAL_SERVICES = frozenset({"iam", "s3", "organizations", "account", "route53", "cloudfront"})


@dataclass(frozen=True, kw_only=True)
class Resource(Unit):
    """One item of an AWS listing: ``kind`` and ``name`` make its test id, ``data`` is the
    item exactly as AWS listed it (``resource["Tags"]`` reads it)."""

    kind: str
    name: str
    data: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


def accounts(inv) -> Iterator[Unit]:
    """Unit source: one unit per audited account."""
    return inv.accounts()


def regions(inv) -> Iterator[Unit]:
    """Unit source: one unit per audited account and enabled region."""
    for account in inv.estate.accounts:
        if not account.integrated:
            error = unavailable_error(account)
            yield Unevaluable(account=account.id, region=GLOBAL_REGION, resource=account.id, label="account", error=error)
            continue
        for region in account.regions:
            yield RegionUnit(account=account.id, region=region, resource=account.id)


Field = str | Callable[[Mapping[str, Any]], Any]


def resources(
    service: str,
    operation: str,
    items: str,
    *,
    kind: str,
    name: Field,
    arn: Field | None = None,
    region: str | Callable[[Any, Mapping[str, Any]], str] | None = None,
    regional: bool | None = None,
    **params: Any,
) -> Callable:
    """Unit source: one :class:`Resource` per item of ``service``'s ``operation`` answer.

    ``items`` finds the list in the answer (a JMESPath expression: ``"Buckets"``,
    ``"Reservations[].Instances[]"``). ``kind`` names the resource in test ids
    (``bucket/<name>``); ``user``, ``bucket``, ``security-group``, ``instance``, ``vpc``,
    ``key``, ``db`` give the Security Hub resource type too. ``name`` is the item's field
    naming it (or a function of the item). ``arn`` is the field holding its ARN or a
    template such as ``"arn:aws:s3:::{Name}"`` (item fields, ``{account}``, ``{region}``);
    without it the resource is its account. ``region``: for a global listing, the field
    naming each item's region, or a function ``(aws, item)`` that may read AWS through
    ``aws.call(...)``. ``regional`` defaults to False for global services (IAM, S3,
    Organizations, account, Route 53, CloudFront). Other keywords are the call's parameters.
    """
    regional = service not in GLOBAL_SERVICES if regional is None else regional
    identity = json.dumps([service, operation, items, params, _name_of(region)], sort_keys=True, default=str)

    def listing(aws, where: str = GLOBAL_REGION) -> list[tuple[Mapping, str, AwsCallError | None]]:
        answer = aws.call(service, operation, region=where, **params)
        found = jmespath.search(items, answer) or []
        if not isinstance(found, list):
            raise TypeError(f"{items!r} finds {type(found).__name__} in the {operation} answer, not a list")
        return [(item, *_region_of(region, aws, item, where)) for item in found]

    collect = Collector(f"custom:{identity}", regional, listing)

    def build(account: str, where: str, found) -> Iterator[Unit]:
        for item, item_region, error in found:
            label_name = str(_field(name, item))
            if error is not None:
                yield Unevaluable(account=account, region=where, resource=account, label=f"{kind}/{label_name}",
                                  error=error)
                continue
            values = {**item, "account": account, "region": item_region}
            resource = (str(arn.format_map(values)) if isinstance(arn, str) and "{" in arn
                        else str(_field(arn, item)) if arn is not None else account)
            yield Resource(account=account, region=item_region, resource=resource, label=f"{kind}/{label_name}",
                           kind=kind, name=label_name, data=item)

    def source(inv) -> Iterator[Unit]:
        if regional:
            return inv.per_region(collect, build, what=f"{kind}s")
        return inv.per_account(collect, lambda account, found: build(account, GLOBAL_REGION, found), what=f"{kind}s")

    source.__name__ = source.__qualname__ = f"resources({service}.{operation})"
    return source


def _field(field_: Field, item: Mapping) -> Any:
    return field_(item) if callable(field_) else item[field_]


def _name_of(value) -> str | None:
    return None if value is None else value if isinstance(value, str) else f"{value.__module__}.{value.__qualname__}"


def _region_of(region, aws, item: Mapping, where: str) -> tuple[str, AwsCallError | None]:
    """The item's region, or the error that kept it from being known."""
    if region is None:
        return where, None
    if isinstance(region, str):
        return str(item.get(region) or where), None
    try:
        return region(_GatherAws(aws), item), None
    except AwsCallError as error:
        return where, error


class _GatherAws:
    """What a ``region=`` function sees while evidence is gathered: reads of one account."""

    def __init__(self, aws):
        self._aws = aws
        self.account = aws.account

    def call(self, service: str, operation: str, *, region: str = GLOBAL_REGION, absent=(), **params) -> Any:
        return self._aws.call(service, operation, region=region, absent=absent, **params)


def _bucket_region(aws, bucket: Mapping) -> str:
    return bucket_region(aws.call("s3", "GetBucketLocation", Bucket=bucket["Name"]))


buckets = resources("s3", "ListBuckets", "Buckets", kind="bucket", name="Name", arn="arn:aws:s3:::{Name}",
                    region=_bucket_region)
buckets.__doc__ = "Unit source: every S3 bucket of every account, in its own region (GetBucketLocation)."
