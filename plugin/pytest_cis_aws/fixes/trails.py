"""CloudTrail fixes built from the evidence: object-level S3 logging (3.10, 3.11).

put-event-selectors replaces every selector of a trail, so the fix carries the trail's
current selectors and adds one. The added selector is the benchmark's own remediation:
object-level read and write events of every bucket. It is the same for every bucket a
trail sees and for both controls, so running several of these fixes (one per failing
bucket) never undoes another: a per-bucket selector would be dropped by the next
bucket's command, which carries the selectors as they were before either ran.
"""
from __future__ import annotations

from ..rules import trail_selectors as rules
from .model import Fix, partition_of, quote, quote_json

ALL_OBJECTS_NAME = "S3 object-level events of every bucket"


def _trail_for(bucket, multi_region_only: bool):
    """The trail to extend: a logging multi-region trail first, else one in the bucket's region."""
    seen = [t for t in bucket.trails if "selectors" not in t.errors
            and (t.multi_region or (t.home_region == bucket.region and not multi_region_only))]
    logging = [t for t in seen if t.is_logging]
    return min(logging, key=lambda t: (not t.multi_region, t.name), default=None), seen


def object_logging(control, bucket) -> Fix:
    multi_region_only = "C3" in control.changed  # v4.0.1 on: 3.11 counts multi-region trails only
    trail, seen = _trail_for(bucket, multi_region_only)
    if trail is None:
        which = "logging multi-region trail" if multi_region_only else "logging trail that sees this bucket's region"
        stopped = sorted((t for t in seen if t.is_logging is False), key=lambda t: t.name)
        if stopped and stopped[0].gap((rules.s3_object_events(bucket.name, rules.READ, partition_of(bucket)),
                                      rules.s3_object_events(bucket.name, rules.WRITE, partition_of(bucket)))) is None:
            # The trail would record them: it only has to log.
            return Fix.run(f"aws cloudtrail start-logging --region {quote(stopped[0].home_region)} --name {quote(stopped[0].name)}")
        return Fix.none(f"there is no {which} to record the bucket's object-level events: create one first "
                        "(the fix of 3.1), then add a data event selector for S3 objects to it")
    partition = partition_of(bucket)
    where = f"--region {quote(trail.home_region)} --trail-name {quote(trail.name)}"
    if trail.advanced_event_selectors:
        selectors = [dict(s) for s in trail.advanced_event_selectors]
        selectors.append({"Name": ALL_OBJECTS_NAME, "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": [rules.S3_OBJECT]},
        ]})
        return Fix.run(f"aws cloudtrail put-event-selectors {where} --advanced-event-selectors {quote_json(selectors)}")
    selectors = [dict(s) for s in trail.event_selectors]
    selectors.append({"ReadWriteType": "All", "IncludeManagementEvents": False,
                      "DataResources": [{"Type": rules.S3_OBJECT, "Values": [f"arn:{partition}:s3"]}]})
    return Fix.run(f"aws cloudtrail put-event-selectors {where} --event-selectors {quote_json(selectors)}")
