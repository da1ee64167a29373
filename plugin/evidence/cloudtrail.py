"""CloudTrail trails (read in every region, each trail kept once at its home region).

Used by section 3 (3.1-3.7, 3.10, 3.11) and section 4 (the monitoring chain).
Owner: sections 2-3. Section 4 reads these records; it must not fork them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..aws.reader import Read
from .base import Unit, collector, errors_of


@dataclass(frozen=True, kw_only=True)
class Trail(Unit):
    name: str
    home_region: str
    multi_region: bool
    is_logging: bool | None
    log_file_validation: bool
    s3_bucket: str | None
    kms_key_id: str | None
    cloudwatch_log_group_arn: str | None
    latest_cloudwatch_delivery: Any  # datetime or None
    event_selectors: list[dict] = field(default_factory=list)
    advanced_event_selectors: list[dict] = field(default_factory=list)
    raw: dict = field(default_factory=dict, repr=False)
    observed_at: Any = None  # the run's clock when the status was read (3.4 measures delivery age from it)


@collector(regional=True)
def trails(aws, region) -> list[Trail]:
    """Trails whose home region is ``region`` (shadow copies elsewhere are skipped)."""
    described = aws.call("cloudtrail", "DescribeTrails", region=region, includeShadowTrails=False)
    return [
        trail_record(aws, raw)
        for raw in described.get("trailList", [])
        if raw.get("HomeRegion", region) == region
    ]


def trail_record(aws, raw: dict) -> Trail:
    """A trail from its DescribeTrails entry, with status and selectors read in its home region."""
    arn = raw["TrailARN"]
    home = raw.get("HomeRegion") or arn.split(":")[3]
    status: Read = aws.read("cloudtrail", "GetTrailStatus", region=home, Name=arn)
    selectors: Read = aws.read("cloudtrail", "GetEventSelectors", region=home, TrailName=arn)
    return Trail(
        account=aws.account,
        region=home,
        resource=arn,
        label=f"trail/{raw['Name']}",
        name=raw["Name"],
        home_region=home,
        multi_region=bool(raw.get("IsMultiRegionTrail")),
        is_logging=(status.value or {}).get("IsLogging"),
        log_file_validation=bool(raw.get("LogFileValidationEnabled")),
        s3_bucket=raw.get("S3BucketName"),
        kms_key_id=raw.get("KmsKeyId"),
        cloudwatch_log_group_arn=raw.get("CloudWatchLogsLogGroupArn"),
        latest_cloudwatch_delivery=(status.value or {}).get("LatestCloudWatchLogsDeliveryTime"),
        event_selectors=(selectors.value or {}).get("EventSelectors", []) or [],
        advanced_event_selectors=(selectors.value or {}).get("AdvancedEventSelectors", []) or [],
        raw=raw,
        observed_at=aws.now,
        errors=errors_of(status=status, selectors=selectors),
    )


def all_trails(inv):
    """Unit source: every trail of every account, once, at its home region."""
    return inv.per_region(trails, lambda account, region, found: found, what="trails")


# -- views for section 3: trails joined with the account's other trails and buckets --------
# (kept here so every trail-derived unit is built from the one Trail record above)

from ..aws.errors import AwsCallError  # noqa: E402
from ..aws.sessions import GLOBAL_REGION  # noqa: E402
from ..rules import trail_selectors as selectors_rules  # noqa: E402
from . import s3  # noqa: E402
from .base import Unevaluable  # noqa: E402


@dataclass(frozen=True, kw_only=True)
class AccountTrails(Unit):
    """Every trail of an account (3.1), and the reads that failed while finding them."""

    trails: tuple[Trail, ...] = ()
    unknown: tuple[AwsCallError, ...] = ()

    def recording_trails(self) -> list[str]:
        """Multi-region trails that log read and write management events.

        Raises the first failed read when no trail qualifies and an unread one might have.
        """
        found, unknown = [], list(self.unknown)
        for trail in self.trails:
            if not trail.multi_region:
                continue
            if "selectors" in trail.errors or trail.is_logging is None:
                unknown.append(trail.errors.get("selectors") or trail.errors["status"])
                continue
            kinds = selectors_rules.management_kinds(trail.event_selectors, trail.advanced_event_selectors)
            if trail.is_logging and kinds >= {selectors_rules.READ, selectors_rules.WRITE}:
                found.append(trail.name)
        if not found and unknown:
            raise unknown[0]
        return found


@dataclass(frozen=True, kw_only=True)
class TrailBucket(Unit):
    """A bucket CloudTrail delivers to (3.3), once per account however many trails use it."""

    name: str
    trails: tuple[str, ...] = ()
    bucket: s3.Bucket | None = None  # None: not one of the account's own buckets


@dataclass(frozen=True, kw_only=True)
class TrailLogBucket(Unit):
    """A trail with the record of the bucket it delivers to (3.6)."""

    trail: str
    bucket_name: str | None
    bucket: s3.Bucket | None = None


@dataclass(frozen=True, kw_only=True)
class BucketObjectLogging(Unit):
    """A bucket with every trail of its account (3.10, 3.11)."""

    name: str
    trails: tuple[Trail, ...] = ()
    unknown: tuple[AwsCallError, ...] = ()

    def covering_trails(self, kind: str, multi_region_only: bool = False) -> list[str]:
        """Logging trails that record this bucket's object events of ``kind`` (read or write).

        A single-region trail only sees buckets of its own region (and does not count at all
        with ``multi_region_only``). Raises the first failed read when no trail covers the
        bucket and an unread one might.
        """
        found, unknown = [], list(self.unknown)
        for trail in self.trails:
            if not (trail.multi_region or (trail.home_region == self.region and not multi_region_only)):
                continue
            if "selectors" in trail.errors:
                unknown.append(trail.errors["selectors"])
                continue
            if not selectors_rules.records_s3_data(trail.event_selectors, trail.advanced_event_selectors, self.name, kind):
                continue
            if trail.is_logging is None:
                unknown.append(trail.errors["status"])
            elif trail.is_logging:
                found.append(trail.name)
        if not found and unknown:
            raise unknown[0]
        return found


def _account_trails(inv, account) -> tuple[list[Trail], list[AwsCallError]]:
    found, failed = [], []
    for region in account.regions:
        try:
            found.extend(inv.collect(trails, account.id, region))
        except AwsCallError as error:
            failed.append(error)
    return found, failed


@collector(regional=False)
def multi_region_trails(aws) -> list[Trail]:
    """Every multi-region trail of the account, wherever its home region is.

    DescribeTrails with shadow trails lists, in any one region, each multi-region trail
    that applies there: so 3.1 also sees a trail homed in a region left out of
    --aws-regions. Status and selectors are read in the trail's home region (the same
    reads the regional collector makes, answered once by the cache).
    """
    described = aws.call("cloudtrail", "DescribeTrails", region=GLOBAL_REGION)
    return [trail_record(aws, raw) for raw in described.get("trailList", []) if raw.get("IsMultiRegionTrail")]


def accounts_trails(inv):
    """Unit source (3.1): one unit per account, with all its multi-region trails."""
    return inv.per_account(
        multi_region_trails,
        lambda account, found: [AccountTrails(
            account=account, region=GLOBAL_REGION, resource=account, label="account", trails=tuple(found),
        )],
    )


def _bucket_evidence(inv, account: str, name: str) -> tuple[s3.Bucket | None, dict]:
    """The account's record of bucket ``name`` (None if it has none), and the errors to carry."""
    owned = s3.buckets_by_name(inv, account)
    if isinstance(owned, AwsCallError):
        return None, {"bucket": owned}
    bucket = owned.get(name)
    return bucket, dict(bucket.errors) if bucket else {}


def trail_buckets(inv):
    """Unit source (3.3): each distinct bucket the trails of an account deliver to."""
    for account in inv.estate.accounts:
        if not account.integrated:
            yield from (u for u in inv.accounts() if u.account == account.id)
            continue
        found, failed = _account_trails(inv, account)
        for error in failed:
            yield Unevaluable(account=account.id, region=error.region, resource=account.id, label="trails", error=error)
        users: dict[str, list[str]] = {}
        for trail in found:
            if trail.s3_bucket:
                users.setdefault(trail.s3_bucket, []).append(trail.name)
        for name, trail_names in sorted(users.items()):
            bucket, errors = _bucket_evidence(inv, account.id, name)
            yield TrailBucket(
                account=account.id, region=bucket.region if bucket else GLOBAL_REGION,
                resource=f"arn:aws:s3:::{name}", label=f"bucket/{name}",
                name=name, trails=tuple(sorted(trail_names)), bucket=bucket, errors=errors,
            )


def trails_with_buckets(inv):
    """Unit source (3.6): every trail, with the record of its bucket."""
    for trail in all_trails(inv):
        if isinstance(trail, Unevaluable):
            yield trail
            continue
        bucket, errors = _bucket_evidence(inv, trail.account, trail.s3_bucket) if trail.s3_bucket else (None, {})
        yield TrailLogBucket(
            account=trail.account, region=trail.region, resource=trail.resource, label=trail.label,
            trail=trail.name, bucket_name=trail.s3_bucket, bucket=bucket, errors=errors,
        )


def buckets_with_trails(inv):
    """Unit source (3.10, 3.11): every bucket, with all trails of its account."""
    for bucket in s3.all_buckets(inv):
        if isinstance(bucket, Unevaluable):
            yield bucket
            continue
        found, failed = _account_trails(inv, inv.estate.account(bucket.account))
        yield BucketObjectLogging(
            account=bucket.account, region=bucket.region, resource=bucket.resource, label=bucket.label,
            name=bucket.name, trails=tuple(found), unknown=tuple(failed),
        )
