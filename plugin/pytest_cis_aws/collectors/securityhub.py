"""Security Hub (4.16): is the hub enabled, per account and region."""
from __future__ import annotations

from dataclasses import dataclass

from .base import Unit, collector

# DescribeHub answers this code when the account has not enabled (subscribed to)
# Security Hub in the region: it means "off", not "could not tell". AccessDenied and
# every other error stays an error.
NOT_SUBSCRIBED = "InvalidAccessException"


@dataclass(frozen=True, kw_only=True)
class SecurityHub(Unit):
    enabled: bool
    subscribed_at: str | None = None


@collector(regional=True)
def hub(aws, region) -> SecurityHub:
    described = aws.call("securityhub", "DescribeHub", region=region, absent=(NOT_SUBSCRIBED,))
    return SecurityHub(
        account=aws.account,
        region=region,
        resource=(described or {}).get("HubArn") or f"arn:{aws.partition}:securityhub:{region}:{aws.account}:hub/default",
        label="securityhub",
        enabled=described is not None,
        subscribed_at=(described or {}).get("SubscribedAt"),
    )


def hubs(inv):
    """Unit source (4.16): one unit per account and enabled region."""
    return inv.per_region(hub, lambda account, region, found: [found], what="securityhub")
