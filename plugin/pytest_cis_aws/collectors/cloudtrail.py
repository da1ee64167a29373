"""CloudTrail: one view of every trail of an account, each trail read in its home region.

Used by section 3 (3.1-3.7, 3.10, 3.11) and section 4 (the monitoring chain).
Owner: sections 2-3. Section 4 reads these records; it must not fork them.

Every trail-based control sees the same trails, whatever ``--aws-regions`` says:
cloudtrail:ListTrails names every trail of the account with its home region, and
DescribeTrails with shadow trails (in the partition's home region) adds the
organisation trails that record in it. Each trail's configuration, status and event
selectors are read in its home region, audited or not. Per-trail controls (3.2, 3.4,
3.6, 3.7) judge the account's own trails that record in an audited region: its
multi-region trails, and single-region trails homed in an audited region.

An organization trail is listed in every member's DescribeTrails (its ARN in the
management account) and members may read its status and selectors by that ARN, so
the account-level controls (3.1, 3.10, 3.11, 4.x) see it as one of the member's
trails and credit it by name. 3.4 also gives a member a unit for the organization trail
that covers it (``cloudwatch_trails``); 3.2, 3.3, 3.6 and 3.7 judge it in the account
that owns it only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..aws.errors import AwsCallError
from ..aws.reader import Read
from ..aws.sessions import GLOBAL_REGION
from ..rules import trail_selectors as selectors_rules
from . import s3
from .base import Unevaluable, Unit, collector, errors_of


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

    @property
    def owner(self) -> str:
        """The account the trail belongs to (an organisation trail's is the management account)."""
        return self.resource.split(":")[4]

    @property
    def covers_from_organization(self) -> bool:
        """An organization trail of another account (the management account) covering this one."""
        return bool(self.raw.get("IsOrganizationTrail")) and self.owner != self.account

    @property
    def named(self) -> str:
        """The trail as a verdict names it: an organization trail with the account owning it."""
        if self.covers_from_organization:
            return f"organization trail {self.name} of account {self.owner}"
        return f"trail {self.name}"

    def gap(self, needed) -> str | None:
        """Why the trail does not record every event of ``needed`` (None when it does)."""
        return selectors_rules.first_missing(self.event_selectors, self.advanced_event_selectors, needed)


@dataclass(frozen=True)
class UnreadTrail:
    """A trail ListTrails named whose configuration could not be read in its home region."""

    arn: str
    name: str
    home_region: str
    error: AwsCallError


@dataclass(frozen=True)
class TrailView:
    """Every trail of one account. Only single-region trails can be left unread: DescribeTrails
    in the partition's home region lists every multi-region trail (3.1 and 4.x need one)."""

    trails: tuple[Trail, ...] = ()
    unread: tuple[UnreadTrail, ...] = ()
    failed_regions: tuple[tuple[str, AwsCallError], ...] = ()  # audited regions whose listing failed

    def unknown_in(self, region: str) -> tuple[AwsCallError, ...]:
        """The errors that hid single-region trails homed in ``region``."""
        return tuple(t.error for t in self.unread if t.home_region == region) + tuple(
            error for failed, error in self.failed_regions if failed == region
        )

    def with_region(self, region: str, found: list[Trail] | AwsCallError) -> "TrailView":
        """This view and one audited region's own listing (trails homed there)."""
        if isinstance(found, AwsCallError):
            return TrailView(self.trails, self.unread, self.failed_regions + ((region, found),))
        known = {t.resource for t in self.trails}
        added = tuple(t for t in found if t.resource not in known)
        unread = tuple(t for t in self.unread if t.arn not in {a.resource for a in added})
        return TrailView(tuple(sorted(self.trails + added, key=lambda t: t.resource)), unread, self.failed_regions)


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


def trail_view(aws) -> TrailView:
    """Every trail of the account; raises AwsCallError when the trails cannot be listed.

    Collectors that need it call it; the cached reader makes each call once.
    """
    listed = aws.call("cloudtrail", "ListTrails", region=GLOBAL_REGION).get("Trails", [])
    described = {
        raw["TrailARN"]: raw
        for raw in aws.call("cloudtrail", "DescribeTrails", region=GLOBAL_REGION).get("trailList", [])
    }
    unread = []
    for home in sorted({t.get("HomeRegion") for t in listed if t["TrailARN"] not in described}):
        found = aws.read("cloudtrail", "DescribeTrails", region=home, includeShadowTrails=False)
        if found.error is not None:
            unread.extend(
                UnreadTrail(t["TrailARN"], t["Name"], home, found.error)
                for t in listed if t.get("HomeRegion") == home and t["TrailARN"] not in described
            )
            continue
        described.update({raw["TrailARN"]: raw for raw in found.value.get("trailList", [])})
    trails = tuple(trail_record(aws, raw) for _, raw in sorted(described.items()))
    return TrailView(trails, tuple(unread))


@collector(regional=False)
def listed_trails(aws) -> TrailView:
    return trail_view(aws)


@collector(regional=True)
def region_trails(aws, region) -> list[Trail]:
    """The trails homed in an audited region, from that region's own listing: what ListTrails
    names there, even from an endpoint whose ListTrails leaves them out."""
    described = aws.call("cloudtrail", "DescribeTrails", region=region, includeShadowTrails=False)
    return [trail_record(aws, raw) for raw in described.get("trailList", []) if raw.get("HomeRegion", region) == region]


def account_trails(inv, account: str) -> TrailView:
    """Every trail of the account: ListTrails' view and each audited region's listing.
    Raises AwsCallError when the account's trails cannot be listed at all."""
    view = inv.collect(listed_trails, account)
    for region in inv.estate.account(account).regions:
        try:
            view = view.with_region(region, inv.collect(region_trails, account, region))
        except AwsCallError as error:
            view = view.with_region(region, error)
    return view


def _per_account(inv, build, what: str):
    """Units built from each account's trail view (an unreachable or unlisted account: ERROR)."""
    def each(account: str, _listed: TrailView):
        return build(account, account_trails(inv, account))

    inv.gather([region_trails], inv.max_workers)
    return inv.per_account(listed_trails, each, what=what)


# -- units ------------------------------------------------------------------------------
def _audited(trail: Trail, regions) -> bool:
    """The account's own trail, recording in an audited region."""
    return trail.owner == trail.account and (trail.multi_region or trail.home_region in regions)


def _own_trails(inv, account: str, found: TrailView) -> list[Unit]:
    regions = inv.estate.account(account).regions
    units: list[Unit] = [t for t in found.trails if _audited(t, regions)]
    # An unread (single-region) trail homed in an audited region, or an audited region whose
    # listing failed, is an ERROR.
    units += [
        Unevaluable(account=account, region=t.home_region, resource=t.arn, label=f"trail/{t.name}", error=t.error)
        for t in found.unread if t.arn.split(":")[4] == account and t.home_region in regions
    ]
    units += [
        Unevaluable(account=account, region=region, resource=account, label="trails", error=error)
        for region, error in found.failed_regions
    ]
    return units


def all_trails(inv):
    """Unit source (3.2, 3.7): the account's own trails that record in an audited region."""
    return _per_account(inv, lambda account, found: _own_trails(inv, account, found), what="trails")


def cloudwatch_trails(inv):
    """Unit source (3.4): the account's own trails, and the organization trails that cover it
    (recording in an audited region), each judged on what the member reads of it."""
    def build(account: str, found: TrailView) -> list[Unit]:
        regions = inv.estate.account(account).regions
        covering = [t for t in found.trails
                    if t.covers_from_organization and (t.multi_region or t.home_region in regions)]
        return _own_trails(inv, account, found) + covering

    return _per_account(inv, build, what="trails")


@dataclass(frozen=True, kw_only=True)
class AccountTrails(Unit):
    """Every trail of an account (3.1), and reads that failed outside the trails' own records."""

    trails: tuple[Trail, ...] = ()
    unknown: tuple[AwsCallError, ...] = ()

    def recording_trail(self) -> tuple[Trail | None, str]:
        """The first multi-region trail that is logging and records all management events,
        and a sentence naming it; or (None, why no trail does).

        Raises the first failed read when no trail qualifies and an unread one might have.
        """
        unknown, gaps = list(self.unknown), []
        for trail in sorted((t for t in self.trails if t.multi_region), key=lambda t: t.name):
            if "selectors" in trail.errors or trail.is_logging is None:
                unknown.append(trail.errors.get("selectors") or trail.errors["status"])
                continue
            gap = trail.gap(selectors_rules.ALL_MANAGEMENT)
            if trail.is_logging and gap is None:
                return trail, f"multi-region {trail.named} is logging and records all management events"
            gaps.append(f"trail {trail.name} " + (gap or "is not logging"))
        if unknown:
            raise unknown[0]
        return None, "; ".join(gaps)


def accounts_trails(inv):
    """Unit source (3.1): one unit per account, with all its trails."""
    return _per_account(
        inv,
        lambda account, found: [AccountTrails(
            account=account, region=GLOBAL_REGION, resource=account, label="account",
            trails=found.trails,
        )],
        what="account",
    )


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
    """A bucket with every trail of its account (3.10, 3.11), and the errors that hid
    single-region trails homed in the bucket's region."""

    name: str
    trails: tuple[Trail, ...] = ()
    unknown: tuple[AwsCallError, ...] = ()

    @property
    def partition(self) -> str:
        return self.resource.split(":")[1]

    def covering_trail(self, kind: str, multi_region_only: bool = False) -> tuple[Trail | None, str]:
        """The first logging trail that records this bucket's object events of ``kind`` (read
        or write) in full, and a sentence naming it; or (None, why the trails that see the
        bucket's region do not). A single-region trail only sees its own region's buckets (and
        does not count at all with ``multi_region_only``).

        Raises the first failed read when no trail covers the bucket and an unread one might.
        """
        needed = (selectors_rules.s3_object_events(self.name, kind, self.partition),)
        unknown, gaps = list(self.unknown), []
        for trail in sorted(self.trails, key=lambda t: t.name):
            if not (trail.multi_region or (trail.home_region == self.region and not multi_region_only)):
                continue
            if "selectors" in trail.errors:
                unknown.append(trail.errors["selectors"])
                continue
            gap = trail.gap(needed)
            if gap is not None:
                gaps.append(f"trail {trail.name} {gap}")
            elif trail.is_logging is None:
                unknown.append(trail.errors["status"])
            elif trail.is_logging:
                return trail, f"{trail.named} records every object-level {kind} event of S3 bucket {self.name}"
            else:
                gaps.append(f"trail {trail.name} would record them but is not logging")
        if unknown:
            raise unknown[0]
        return None, "; ".join(gaps)


def _bucket_evidence(inv, account: str, name: str) -> tuple[s3.Bucket | None, dict]:
    """The account's record of bucket ``name`` (None if it has none), and the errors to carry."""
    owned = s3.buckets_by_name(inv, account)
    if isinstance(owned, AwsCallError):
        return None, {"bucket": owned}
    bucket = owned.get(name)
    return bucket, dict(bucket.errors) if bucket else {}


def _bucket_arn(trail: Trail, name: str) -> str:
    return f"arn:{trail.resource.split(':')[1]}:s3:::{name}"


def trail_buckets(inv):
    """Unit source (3.3): each distinct bucket the account's own audited trails deliver to."""

    def build(account: str, found: TrailView):
        users: dict[str, list[Trail]] = {}
        for unit in _own_trails(inv, account, found):
            if isinstance(unit, Unevaluable):
                yield unit  # a trail that could not be read: its bucket is unknown
            elif unit.s3_bucket:
                users.setdefault(unit.s3_bucket, []).append(unit)
        for name, trails in sorted(users.items()):
            bucket, errors = _bucket_evidence(inv, account, name)
            yield TrailBucket(
                account=account, region=bucket.region if bucket else GLOBAL_REGION,
                resource=_bucket_arn(trails[0], name), label=f"bucket/{name}",
                name=name, trails=tuple(sorted(t.name for t in trails)), bucket=bucket, errors=errors,
            )

    return _per_account(inv, build, what="trails")


def trails_with_buckets(inv):
    """Unit source (3.6): every audited trail, with the record of its bucket."""
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
    """Unit source (3.10, 3.11): every bucket, with every trail of its account."""
    for bucket in s3.all_buckets(inv):
        if isinstance(bucket, Unevaluable):
            yield bucket
            continue
        try:
            found = account_trails(inv, bucket.account)
        except AwsCallError as error:
            yield Unevaluable(account=bucket.account, region=bucket.region, resource=bucket.resource,
                              label=bucket.label, error=error)
            continue
        yield BucketObjectLogging(
            account=bucket.account, region=bucket.region, resource=bucket.resource, label=bucket.label,
            name=bucket.name, trails=found.trails, unknown=found.unknown_in(bucket.region),
        )
