"""RDS DB instances, per region (2.3.1-2.3.3)."""
from __future__ import annotations

from dataclasses import dataclass

from .base import Unit, collector


@dataclass(frozen=True, kw_only=True)
class DbInstance(Unit):
    id: str
    engine: str
    storage_encrypted: bool
    auto_minor_version_upgrade: bool
    publicly_accessible: bool


@collector(regional=True)
def db_instances(aws, region) -> list[DbInstance]:
    """Every DB instance; a failed listing makes the region's instances one ERROR."""
    found = []
    for raw in aws.call("rds", "DescribeDBInstances", region=region).get("DBInstances", []):
        found.append(
            DbInstance(
                account=aws.account,
                region=region,
                resource=raw.get("DBInstanceArn") or raw["DBInstanceIdentifier"],
                label=f"db/{raw['DBInstanceIdentifier']}",
                id=raw["DBInstanceIdentifier"],
                engine=raw.get("Engine", ""),
                storage_encrypted=bool(raw.get("StorageEncrypted")),
                auto_minor_version_upgrade=bool(raw.get("AutoMinorVersionUpgrade")),
                publicly_accessible=bool(raw.get("PubliclyAccessible")),
            )
        )
    return found


def all_db_instances(inv):
    return inv.per_region(db_instances, lambda account, region, found: found, what="db-instances")
