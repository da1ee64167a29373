"""IAM Access Analyzer evidence (regional): the analyzers of each account and region."""
from __future__ import annotations

from dataclasses import dataclass

from .base import collector

EXTERNAL_ACCESS_TYPES = ("ACCOUNT", "ORGANIZATION")


@dataclass(frozen=True)
class Analyzer:
    name: str
    arn: str
    type: str  # ACCOUNT or ORGANIZATION (or their *_UNUSED_ACCESS variants)
    status: str  # ACTIVE, CREATING, DISABLED, FAILED

    @property
    def external_access(self) -> bool:
        """Looks for access from outside its zone of trust (not for unused access)."""
        return self.type in EXTERNAL_ACCESS_TYPES


@collector(regional=True)
def analyzers(aws, region) -> list[Analyzer]:
    listed = aws.call("accessanalyzer", "ListAnalyzers", region=region)["analyzers"]
    return [Analyzer(a["name"], a["arn"], a["type"], a["status"]) for a in listed]


def analyzers_by_region(inv):
    """One RegionUnit per account and region; ``record`` is that region's analyzers."""
    return inv.regions(analyzers)
