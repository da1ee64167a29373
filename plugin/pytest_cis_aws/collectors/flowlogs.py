"""VPCs and their flow logs, per region (3.9)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .base import Unit, collector, errors_of

ACCEPTED_TRAFFIC = ("ALL", "REJECT")


@dataclass(frozen=True, kw_only=True)
class Vpc(Unit):
    id: str
    flow_logs: list[dict] = field(default_factory=list)

    @property
    def active_flow_logs(self) -> list[dict]:
        """Flow logs that are delivering and capture rejected traffic (ALL or REJECT)."""
        return [
            f for f in self.flow_logs
            if f.get("FlowLogStatus") == "ACTIVE" and f.get("TrafficType") in ACCEPTED_TRAFFIC
        ]


@collector(regional=True)
def vpcs(aws, region) -> list[Vpc]:
    listed = aws.call("ec2", "DescribeVpcs", region=region).get("Vpcs", [])
    flow_logs = aws.read("ec2", "DescribeFlowLogs", region=region)
    by_vpc: dict[str, list[dict]] = {}
    for flow_log in (flow_logs.value or {}).get("FlowLogs", []):
        by_vpc.setdefault(flow_log.get("ResourceId"), []).append(flow_log)
    return [
        Vpc(
            account=aws.account,
            region=region,
            resource=f"arn:{aws.partition}:ec2:{region}:{aws.account}:vpc/{raw['VpcId']}",
            label=f"vpc/{raw['VpcId']}",
            id=raw["VpcId"],
            flow_logs=by_vpc.get(raw["VpcId"], []),
            errors=errors_of(flow_logs=flow_logs),
        )
        for raw in listed
    ]


def all_vpcs(inv):
    return inv.per_region(vpcs, lambda account, region, found: found, what="vpcs")
