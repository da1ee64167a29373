"""RDS DB instances, per region (2.3.1-2.3.3, and the later versions' Multi-AZ check).

2.3.3 follows the benchmark's audit past the PubliclyAccessible flag: an instance with
the flag set is reachable from the internet only when a subnet of its DB subnet group
routes 0.0.0.0/0 or ::/0 to an internet gateway, so the region's route tables are read
(ec2:DescribeRouteTables, once per region, only where an instance has the flag set).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..rules.network import InternetRoute, internet_routes
from .base import Unit, collector, errors_of


@dataclass(frozen=True, kw_only=True)
class DbInstance(Unit):
    id: str
    engine: str
    storage_encrypted: bool
    auto_minor_version_upgrade: bool
    publicly_accessible: bool
    multi_az: bool = False
    cluster_id: str | None = None  # the DB cluster it belongs to (Aurora, Multi-AZ DB clusters)
    cluster_multi_az: bool | None = None  # that cluster's MultiAZ (rds-multi-az reads it)
    subnet_group: str | None = None  # None: AWS reports no DB subnet group
    internet_routes: tuple[InternetRoute, ...] = ()  # read only when publicly_accessible ("routes")


@collector(regional=True)
def db_instances(aws, region) -> list[DbInstance]:
    """Every DB instance; a failed listing makes the region's instances one ERROR."""
    listed = aws.call("rds", "DescribeDBInstances", region=region).get("DBInstances", [])
    tables = None
    if any(raw.get("PubliclyAccessible") and raw.get("DBSubnetGroup") for raw in listed):
        tables = aws.read("ec2", "DescribeRouteTables", region=region)
    return [_instance(aws, region, raw, tables) for raw in listed]


def _instance(aws, region, raw: dict, tables) -> DbInstance:
    group = raw.get("DBSubnetGroup") or {}
    routes, errors = (), {}
    if raw.get("PubliclyAccessible") and group:
        subnets = [s.get("SubnetIdentifier") for s in group.get("Subnets", []) or []]
        routes = tuple(internet_routes((tables.value or {}).get("RouteTables", []), group.get("VpcId"), subnets))
        errors = errors_of(routes=tables)
    return DbInstance(
        account=aws.account,
        region=region,
        resource=raw.get("DBInstanceArn") or raw["DBInstanceIdentifier"],
        label=f"db/{raw['DBInstanceIdentifier']}",
        id=raw["DBInstanceIdentifier"],
        engine=raw.get("Engine", ""),
        storage_encrypted=bool(raw.get("StorageEncrypted")),
        auto_minor_version_upgrade=bool(raw.get("AutoMinorVersionUpgrade")),
        publicly_accessible=bool(raw.get("PubliclyAccessible")),
        multi_az=bool(raw.get("MultiAZ")),
        cluster_id=raw.get("DBClusterIdentifier"),
        subnet_group=group.get("DBSubnetGroupName") if group else None,
        internet_routes=routes,
        errors=errors,
    )


def all_db_instances(inv):
    return inv.per_region(db_instances, lambda account, region, found: found, what="db-instances")


@collector(regional=True)
def db_clusters(aws, region) -> dict[str, dict]:
    """The region's DB clusters by identifier (read only for the Multi-AZ check)."""
    return {c["DBClusterIdentifier"]: c for c in aws.call("rds", "DescribeDBClusters", region=region).get("DBClusters", [])}


def db_instances_with_clusters(inv):
    """Unit source (rds-multi-az): DB instances, each member of a cluster with that cluster's MultiAZ."""

    def build(account, region, found):
        if not any(db.cluster_id for db in found):
            return found
        clusters = inv.read_collected(db_clusters, account, region)
        return [_with_cluster(db, clusters) if db.cluster_id else db for db in found]

    return inv.per_region(db_instances, build, what="db-instances")


def _with_cluster(db: DbInstance, clusters) -> DbInstance:
    if clusters.error is not None:
        return dataclasses.replace(db, errors={**db.errors, "cluster": clusters.error})
    cluster = clusters.value.get(db.cluster_id) or {}
    return dataclasses.replace(db, cluster_multi_az=bool(cluster.get("MultiAZ")))
