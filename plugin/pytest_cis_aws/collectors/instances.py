"""EC2 instances (regional): used by 1.18 (instance roles) and 5.6 (IMDSv2)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .base import Unit, collector


@dataclass(frozen=True, kw_only=True)
class Instance(Unit):
    id: str
    name: str  # the Name tag, or the instance id
    state: str
    instance_profile_arn: str | None
    metadata_options: dict[str, Any]


@collector(regional=True)
def instances(aws, region) -> list[Instance]:
    """Every instance that is not terminated."""
    found = []
    reservations = aws.call("ec2", "DescribeInstances", region=region)["Reservations"]
    for reservation in reservations:
        for raw in reservation.get("Instances", []):
            state = raw.get("State", {}).get("Name", "")
            if state in ("terminated", "shutting-down"):
                continue
            instance_id = raw["InstanceId"]
            tags = {t["Key"]: t["Value"] for t in raw.get("Tags", [])}
            found.append(
                Instance(
                    account=aws.account,
                    region=region,
                    resource=f"arn:{aws.partition}:ec2:{region}:{aws.account}:instance/{instance_id}",
                    label=f"instance/{instance_id}",
                    id=instance_id,
                    name=tags.get("Name", instance_id),
                    state=state,
                    instance_profile_arn=(raw.get("IamInstanceProfile") or {}).get("Arn"),
                    metadata_options=raw.get("MetadataOptions") or {},
                )
            )
    return found


def all_instances(inv):
    """Unit source: every running or stopped instance in every account and region."""
    return inv.per_region(instances, lambda account, region, found: found, what="instances")
