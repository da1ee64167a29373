"""IAM Access Analyzer evidence (regional): the analyzers of each account and region."""
from __future__ import annotations

from dataclasses import dataclass

from .base import collector


@dataclass(frozen=True)
class Analyzer:
    name: str
    arn: str
    type: str  # ACCOUNT or ORGANIZATION (or their *_UNUSED_ACCESS variants)
    status: str  # ACTIVE, CREATING, DISABLED, FAILED


@collector(regional=True)
def analyzers(aws, region) -> list[Analyzer]:
    listed = aws.call("accessanalyzer", "ListAnalyzers", region=region)["analyzers"]
    return [Analyzer(a["name"], a["arn"], a["type"], a["status"]) for a in listed]


def analyzers_by_region(inv):
    """One RegionUnit per account and region; ``record`` is that region's analyzers."""
    return inv.regions(analyzers)
