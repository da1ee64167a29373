"""Each VPC with its subnets, route tables and endpoints, per region (v7.0.0 6.8)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .base import Unit, collector, errors_of


@dataclass(frozen=True, kw_only=True)
class VpcRouting(Unit):
    id: str
    name: str
    subnets: tuple[str, ...] = ()
    route_tables: tuple[dict, ...] = field(default=(), repr=False)
    endpoints: tuple[dict, ...] = field(default=(), repr=False)

    @property
    def display(self) -> str:
        return f"VPC {self.id}" + (f" ({self.name})" if self.name and self.name != self.id else "")


def _name(raw: dict) -> str:
    return next((t.get("Value", "") for t in raw.get("Tags", []) or [] if t.get("Key") == "Name"), "")


@collector(regional=True)
def vpc_routing(aws, region) -> list[VpcRouting]:
    listed = aws.call("ec2", "DescribeVpcs", region=region).get("Vpcs", [])
    subnets = aws.read("ec2", "DescribeSubnets", region=region)
    tables = aws.read("ec2", "DescribeRouteTables", region=region)
    endpoints = aws.read("ec2", "DescribeVpcEndpoints", region=region)
    errors = errors_of(routing=subnets, **{"routes": tables}, endpoints=endpoints)
    # One reason is enough for the control: any of the three leaves the routing unknown.
    errors = {"routing": next(iter(errors.values()))} if errors else {}
    found = []
    for raw in listed:
        vpc = raw["VpcId"]
        found.append(VpcRouting(
            account=aws.account, region=region, resource=f"arn:{aws.partition}:ec2:{region}:{aws.account}:vpc/{vpc}",
            label=f"vpc/{vpc}", id=vpc, name=_name(raw),
            subnets=tuple(s["SubnetId"] for s in (subnets.value or {}).get("Subnets", []) if s.get("VpcId") == vpc),
            route_tables=tuple(t for t in (tables.value or {}).get("RouteTables", []) if t.get("VpcId") == vpc),
            endpoints=tuple(e for e in (endpoints.value or {}).get("VpcEndpoints", []) if e.get("VpcId") == vpc),
            errors=errors,
        ))
    return found


def all_vpc_routing(inv):
    return inv.per_region(vpc_routing, lambda account, region, found: found, what="vpcs")
