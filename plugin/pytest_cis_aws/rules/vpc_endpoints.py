"""Does a VPC reach S3 through an endpoint from every subnet that routes to the internet?
(v7.0.0 6.8; no AWS calls.)

A subnet uses its explicitly associated route table, else its VPC's main one. It routes to
the internet when that table sends 0.0.0.0/0 or ::/0 to an internet gateway (``igw-``), a
NAT gateway (``nat-``) or an egress-only internet gateway (``eigw-``); a blackhole route
goes nowhere. Such a subnet would reach S3 over the internet unless an S3 gateway endpoint
is routed from its route table, or an S3 interface endpoint has a network interface in it
(its SubnetIds): either way S3 is reached inside the VPC.

Which services are judged, and why: only S3 decides the verdict. Nearly every workload in
a VPC uses S3 (package mirrors, logs, container image layers, AWS's own agents), so an
internet-routed subnet without an S3 gateway endpoint sends that traffic the long way; the
gateway endpoint is free. Whether a VPC uses DynamoDB, or a service reached through an
interface endpoint, cannot be read from the control plane, so DynamoDB gateway endpoints
and interface endpoints are named in the finding, not required.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

ANY_IPV4, ANY_IPV6 = "0.0.0.0/0", "::/0"
INTERNET_TARGETS = (("GatewayId", "igw-", "internet gateway"), ("NatGatewayId", "nat-", "NAT gateway"),
                    ("EgressOnlyInternetGatewayId", "eigw-", "egress-only internet gateway"))
JUDGED = "s3"  # the service whose gateway endpoint the verdict needs


@dataclass(frozen=True)
class InternetSubnet:
    """A subnet whose route table sends the internet somewhere outside the VPC."""

    subnet: str
    route_table: str
    destination: str
    target: str  # "internet gateway igw-..."

    def describe(self) -> str:
        return f"subnet {self.subnet} (route table {self.route_table}: {self.destination} to {self.target})"


@dataclass(frozen=True)
class Endpoint:
    id: str
    service: str  # "s3", "dynamodb", "ssm"... (the last part of the service name)
    kind: str  # Gateway, Interface, GatewayLoadBalancer
    route_tables: tuple[str, ...]
    subnets: tuple[str, ...] = ()  # an interface endpoint's subnets (its network interfaces)

    def describe(self) -> str:
        where = f" (route tables {', '.join(self.route_tables)})" if self.route_tables else ""
        where += f" (subnets {', '.join(self.subnets)})" if self.subnets else ""
        return f"{self.service} {self.kind.lower()} endpoint {self.id}{where}"


def route_table_of(subnet: str, vpc_id: str, tables: list[dict]) -> dict | None:
    """The route table a subnet uses: its explicit association, else its VPC's main table."""
    for table in tables:
        for association in table.get("Associations", []) or []:
            if association.get("SubnetId") == subnet and _associated(association):
                return table
    for table in tables:
        if table.get("VpcId") == vpc_id and any(a.get("Main") and _associated(a) for a in table.get("Associations", []) or []):
            return table
    return None


def _associated(association: dict) -> bool:
    return (association.get("AssociationState") or {}).get("State", "associated") == "associated"


def internet_route(table: dict) -> tuple[str, str] | None:
    """(destination, "NAT gateway nat-...") of the table's first route to the internet, if any."""
    for route in table.get("Routes", []) or []:
        destination = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
        if destination not in (ANY_IPV4, ANY_IPV6) or route.get("State") == "blackhole":
            continue
        for key, prefix, what in INTERNET_TARGETS:
            target = route.get(key) or ""
            if target.startswith(prefix):
                return destination, f"{what} {target}"
    return None


def endpoints_of(raw: Iterable[dict]) -> list[Endpoint]:
    """The VPC's endpoints that are in use (available), in a stable order."""
    found = [
        Endpoint(e["VpcEndpointId"], str(e.get("ServiceName", "")).rsplit(".", 1)[-1], e.get("VpcEndpointType", ""),
                 tuple(sorted(e.get("RouteTableIds", []) or [])), tuple(sorted(e.get("SubnetIds", []) or [])))
        for e in raw if str(e.get("State", "available")).lower() == "available"
    ]
    return sorted(found, key=lambda e: (e.service, e.kind, e.id))


def internet_subnets(vpc_id: str, subnets: Iterable[str], tables: list[dict]) -> list[InternetSubnet]:
    found = []
    for subnet in sorted(subnets):
        table = route_table_of(subnet, vpc_id, tables)
        route = internet_route(table) if table else None
        if route is not None:
            found.append(InternetSubnet(subnet, table.get("RouteTableId", ""), *route))
    return found


def without_gateway_endpoint(subnets: list[InternetSubnet], endpoints: list[Endpoint], service: str = JUDGED) -> list[InternetSubnet]:
    """The internet-routed subnets whose route table no gateway endpoint for ``service`` is routed from."""
    routed = {table for e in endpoints if e.service == service and e.kind == "Gateway" for table in e.route_tables}
    return [s for s in subnets if s.route_table not in routed]


def without_endpoint(subnets: list[InternetSubnet], endpoints: list[Endpoint], service: str = JUDGED) -> list[InternetSubnet]:
    """The internet-routed subnets that reach ``service`` through no endpoint: no gateway
    endpoint routed from their route table, and no interface endpoint in them."""
    inside = {subnet for e in endpoints if e.service == service and e.kind == "Interface" for subnet in e.subnets}
    return [s for s in without_gateway_endpoint(subnets, endpoints, service) if s.subnet not in inside]
