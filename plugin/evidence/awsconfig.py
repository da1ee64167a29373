"""AWS Config recorders and their status, per account and region (3.5)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .base import Unit, collector, errors_of


@dataclass(frozen=True, kw_only=True)
class ConfigRegion(Unit):
    recorders: list[dict] = field(default_factory=list)
    statuses: dict[str, dict] = field(default_factory=dict)  # recorder name -> status

    def recording_problem(self) -> str | None:
        """None if a recorder records every supported and global resource type and its
        last recording succeeded; else what is wrong with the region's recorder(s)."""
        if not self.recorders:
            return "no configuration recorder"
        problems = []
        for recorder in self.recorders:
            name = recorder.get("name", "")
            group = recorder.get("recordingGroup") or {}
            status = self.statuses.get(name) or {}
            wrong = []
            if not group.get("allSupported"):
                wrong.append("does not record all supported resource types")
            if not group.get("includeGlobalResourceTypes"):
                wrong.append("does not include global resource types")
            if not status.get("recording"):
                wrong.append("is not recording")
            elif status.get("lastStatus") != "SUCCESS":
                wrong.append(f"last status is {status.get('lastStatus') or 'unknown'}, not SUCCESS")
            if not wrong:
                return None
            problems.append(f"recorder {name} " + ", ".join(wrong))
        return "; ".join(problems)


@collector(regional=True)
def recorders(aws, region) -> ConfigRegion:
    described = aws.read("config", "DescribeConfigurationRecorders", region=region)
    status = aws.read("config", "DescribeConfigurationRecorderStatus", region=region)
    return ConfigRegion(
        account=aws.account,
        region=region,
        resource=aws.account,
        label="config",
        recorders=(described.value or {}).get("ConfigurationRecorders", []),
        statuses={s["name"]: s for s in (status.value or {}).get("ConfigurationRecordersStatus", [])},
        errors=errors_of(recorders=described, statuses=status),
    )


def regions(inv):
    return inv.per_region(recorders, lambda account, region, record: [record], what="config")
