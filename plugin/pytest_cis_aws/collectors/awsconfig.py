"""AWS Config recorders and their status, per account and region (3.5)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..aws.errors import AwsCallError
from .base import Unit, collector, errors_of


@dataclass(frozen=True, kw_only=True)
class ConfigRegion(Unit):
    recorders: list[dict] = field(default_factory=list)
    statuses: dict[str, dict] = field(default_factory=dict)  # recorder name -> status
    # Whether some recorder of the account, in any region, includes global resource types
    # (rule C2); None when no region says so and a region could not be read.
    account_records_global: bool | None = None
    global_types_error: AwsCallError | None = field(default=None, compare=False, repr=False)

    def recording_facts(self) -> dict[str, dict]:
        """What recording_problem decides on, per recorder: its recording group and last status."""
        return {
            "recorders": {r.get("name", ""): {k: (r.get("recordingGroup") or {}).get(k)
                                              for k in ("allSupported", "includeGlobalResourceTypes")}
                          for r in self.recorders},
            "statuses": {name: {k: status.get(k) for k in ("recording", "lastStatus")}
                         for name, status in self.statuses.items()},
        }

    def recording_problem(self) -> str | None:
        """v2.0.0: None if a recorder records every supported and global resource type and
        its last recording succeeded; else what is wrong with the region's recorder(s)."""
        if not self.recorders:
            return "no configuration recorder"
        problems = []
        for recorder in self.recorders:
            wrong = self._problems(recorder, global_types=True)
            if not wrong:
                return None
            problems.append(f"recorder {recorder.get('name', '')} " + ", ".join(wrong))
        return "; ".join(problems)

    def every_recorder_problem(self) -> str | None:
        """Rule C2 (v4.0.1 on): every recorder of the region records all supported types, is
        recording and last succeeded; global types are included by some recorder of the
        account. Service-linked recorders (made by a service for itself) are not the
        account's own and do not count."""
        own = [r for r in self.recorders if not r.get("servicePrincipal")]
        if not own:
            return "no configuration recorder"
        problems = [
            f"recorder {r.get('name', '')} " + ", ".join(wrong)
            for r in own
            for wrong in [self._problems(r, global_types=False)]
            if wrong
        ]
        if self.account_records_global is False:
            problems.append(f"no recorder of account {self.account}, in any region, includes global resource types")
        return "; ".join(problems) or None

    def _problems(self, recorder: dict, global_types: bool) -> list[str]:
        """What is wrong with one recorder; ``global_types``: it must include them itself."""
        group = recorder.get("recordingGroup") or {}
        status = self.statuses.get(recorder.get("name", "")) or {}
        wrong = []
        if not group.get("allSupported"):
            wrong.append("does not record all supported resource types")
        if global_types and not group.get("includeGlobalResourceTypes"):
            wrong.append("does not include global resource types")
        if not status.get("recording"):
            wrong.append("is not recording")
        elif status.get("lastStatus") != "SUCCESS":
            wrong.append(f"last status is {status.get('lastStatus') or 'unknown'}, not SUCCESS")
        return wrong


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
    """Unit source: every region of every account, each knowing whether the account
    records global resource types anywhere (its other regions' recorders)."""

    def build(account, region, record):
        found = [inv.read_collected(recorders, account, r) for r in inv.estate.account(account).regions]
        records = [f.value for f in found if f.value is not None]
        failed = [f.error for f in found if f.error] + [
            r.errors["recorders"] for r in records if "recorders" in r.errors
        ]
        anywhere = any(
            (rec.get("recordingGroup") or {}).get("includeGlobalResourceTypes") and not rec.get("servicePrincipal")
            for r in records for rec in r.recorders
        )
        known = True if anywhere else (None if failed else False)
        return [dataclasses.replace(record, account_records_global=known,
                                    global_types_error=failed[0] if known is None else None)]

    return inv.per_region(recorders, build, what="config")
