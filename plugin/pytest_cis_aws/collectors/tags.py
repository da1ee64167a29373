"""Tags, read only for ``--cis-owner-tag``: who owns a failing resource.

* ``resource_tags``: ``tag:GetResources``, one paginated listing per account and region
  (global resources such as IAM's are listed in the regions too), ARN -> tags.
* ``account_tags``: the audited accounts' tags, ``organizations:ListTagsForResource`` in the
  organization's management account, one call per account; only when that management
  account is part of the run (Organizations answers tag reads there alone).

No control reads these: they are gathered after the controls ran, through the same cached
reader, so each call is made once, counted, and kept in the snapshot for a replay.
"""
from __future__ import annotations

from .base import collector

# Services read for owners alone: refusing them never makes a control's unit an ERROR.
OWNER_ONLY_SERVICES = ("resourcegroupstaggingapi",)


@collector(regional=True)
def resource_tags(aws, region: str) -> dict[str, dict[str, str]]:
    found = aws.call("resourcegroupstaggingapi", "GetResources", region=region)
    return {entry["ResourceARN"]: {tag["Key"]: tag["Value"] for tag in entry.get("Tags") or []}
            for entry in found.get("ResourceTagMappingList") or []}


def account_tags(aws, account: str) -> dict[str, str]:
    """One account's tags, read in the management account ``aws`` is bound to."""
    found = aws.call("organizations", "ListTagsForResource", ResourceId=account)
    return {tag["Key"]: tag["Value"] for tag in found.get("Tags") or []}
