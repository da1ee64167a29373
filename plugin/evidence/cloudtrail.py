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


@collector(regional=True)
def trails(aws, region) -> list[Trail]:
    """Trails whose home region is ``region`` (shadow copies elsewhere are skipped)."""
    described = aws.call("cloudtrail", "DescribeTrails", region=region, includeShadowTrails=False)
    found = []
    for raw in described.get("trailList", []):
        home = raw.get("HomeRegion", region)
        if home != region:
            continue
        arn = raw["TrailARN"]
        status: Read = aws.read("cloudtrail", "GetTrailStatus", region=region, Name=arn)
        selectors: Read = aws.read("cloudtrail", "GetEventSelectors", region=region, TrailName=arn)
        found.append(
            Trail(
                account=aws.account,
                region=region,
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
                errors=errors_of(status=status, selectors=selectors),
            )
        )
    return found


def all_trails(inv):
    """Unit source: every trail of every account, once, at its home region."""
    return inv.per_region(trails, lambda account, region, found: found, what="trails")
