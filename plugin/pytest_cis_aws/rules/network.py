"""Port, protocol and CIDR logic for section 5: pure functions over AWS's own shapes.

Security group permissions (``IpPermissions``) and network ACL entries (``Entries``)
are taken exactly as ec2:DescribeSecurityGroups / ec2:DescribeNetworkAcls return
them, so these rules can be tested without AWS.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

# Remote server administration: SSH and RDP.
ADMIN_PORTS = (22, 3389)
# CIFS / SMB over TCP (the later versions' CIFS control): tcp or every protocol, not udp.
CIFS_PORT = 445
ANY_IPV4 = "0.0.0.0/0"
ANY_IPV6 = "::/0"

TCP, UDP, ALL = "tcp", "udp", "all"
# Security groups name tcp and udp; network ACLs give IANA numbers. -1 is every protocol.
_PROTOCOLS = {"tcp": TCP, "6": TCP, "udp": UDP, "17": UDP, "-1": ALL, "all": ALL}
# Traffic to an admin port arrives over tcp or udp (RDP uses both).
_ADMIN_PROTOCOLS = (TCP, UDP)

Rule = Mapping[str, Any]


def protocol_of(value: Any) -> str:
    """``tcp``, ``udp``, ``all``, or the protocol as AWS gave it (icmp, 50, ...)."""
    text = str(value).lower()
    return _PROTOCOLS.get(text, text)


def reaches(protocol: str, carried: str) -> bool:
    """Whether a rule for ``protocol`` applies to traffic over ``carried`` (tcp or udp)."""
    return protocol in (ALL, carried)


def covers(from_port: int | None, to_port: int | None, port: int) -> bool:
    """Whether a port range covers ``port``; a missing or -1 bound means every port."""
    low = 0 if from_port is None or from_port == -1 else from_port
    high = 65535 if to_port is None or to_port == -1 else to_port
    return low <= port <= high


def traffic(protocol: str, from_port: int | None, to_port: int | None) -> str:
    """A rule's traffic in a few words: ``tcp 0-65535``, ``udp 3389``, ``all traffic``."""
    if protocol == ALL:
        return "all traffic"
    if from_port in (None, -1) and to_port in (None, -1):
        return f"{protocol} all ports"
    if from_port == to_port:
        return f"{protocol} {from_port}"
    return f"{protocol} {from_port}-{to_port}"


@dataclass(frozen=True)
class Opening:
    """An admin port reachable from the whole internet, and the rule that opens it."""

    source: str  # 0.0.0.0/0 or ::/0
    port: int
    traffic: str  # the opening rule's traffic, e.g. "tcp 0-65535"
    protocols: tuple[str, ...] = ()  # for network ACLs: which of tcp/udp get through
    rule_number: int | None = None  # for network ACLs
    rule: Rule | None = field(default=None, compare=False)  # the permission or entry that opens it, as AWS gave it
    prefix_list: str | None = None  # for security groups: the managed prefix list holding the source

    def describe(self) -> str:
        if self.rule_number is None:
            via = f", through prefix list {self.prefix_list}" if self.prefix_list else ""
            return f"port {self.port} ({self.traffic}{via})"
        over = " and ".join(self.protocols)
        return f"{self.source} to port {self.port} over {over} (rule {self.rule_number}: {self.traffic})"


# -- security groups (5.2, 5.3) ---------------------------------------------
# A rule can name a managed prefix list instead of a CIDR (``PrefixListIds``). The
# evidence layer expands each list into the rule's IpRanges / Ipv6Ranges (entries marked
# with the list's ``PrefixListId``), so every rule over a group's permissions (5.2, 5.3,
# the later CIFS control) sees the addresses the list holds.

def prefix_lists(permissions: Iterable[Rule]) -> set[str]:
    """The managed prefix lists a group's permissions name."""
    return {ref.get("PrefixListId") for p in permissions for ref in p.get("PrefixListIds", []) or [] if ref.get("PrefixListId")}


def expand_prefix_lists(permissions: Iterable[Rule], entries: Mapping[str, Iterable[str]]) -> tuple[dict, ...]:
    """The permissions with each named prefix list's CIDRs added to their IpRanges / Ipv6Ranges.

    ``entries`` maps a prefix list id to its CIDRs; a list it lacks (unreadable) is left
    as it is: the caller makes the unit an ERROR rather than guess.
    """
    expanded = []
    for permission in permissions:
        found = dict(permission)
        ipv4, ipv6 = list(found.get("IpRanges", []) or []), list(found.get("Ipv6Ranges", []) or [])
        for ref in found.get("PrefixListIds", []) or []:
            listed = ref.get("PrefixListId")
            for cidr in entries.get(listed, ()):
                if ":" in cidr:
                    ipv6.append({"CidrIpv6": cidr, "PrefixListId": listed})
                else:
                    ipv4.append({"CidrIp": cidr, "PrefixListId": listed})
        found["IpRanges"], found["Ipv6Ranges"] = ipv4, ipv6
        expanded.append(found)
    return tuple(expanded)


def _source_range(permission: Rule, source: str) -> Rule | None:
    """The permission's range entry for ``source`` (a CIDR written directly wins over a list)."""
    ranges = [r for r in permission.get("IpRanges", []) or [] if r.get("CidrIp") == source]
    ranges += [r for r in permission.get("Ipv6Ranges", []) or [] if r.get("CidrIpv6") == source]
    return min(ranges, key=lambda r: "PrefixListId" in r, default=None)


def group_openings(
    permissions: Iterable[Rule],
    source: str,
    ports: Iterable[int] = ADMIN_PORTS,
    protocols: Iterable[str] = (TCP, UDP, ALL),
) -> list[Opening]:
    """The ``ports`` (admin ports by default) that a security group's inbound permissions
    open to ``source`` over one of ``protocols``.

    Security group rules only allow, so any permission from ``source`` over one of the
    protocols whose range covers the port opens it. One opening per port: the first
    permission that opens it.
    """
    found: dict[int, Opening] = {}
    protocols = tuple(protocols)
    for permission in permissions:
        protocol = protocol_of(permission.get("IpProtocol"))
        matched = _source_range(permission, source)
        if protocol not in protocols or matched is None:
            continue
        low, high = permission.get("FromPort"), permission.get("ToPort")
        for port in ports:
            if port not in found and covers(low, high, port):
                found[port] = Opening(source, port, traffic(protocol, low, high), rule=permission,
                                      prefix_list=matched.get("PrefixListId"))
    return [found[port] for port in sorted(found)]


def cifs_openings(permissions: Iterable[Rule]) -> list[Opening]:
    """Port 445 opened to the whole internet (IPv4 or IPv6) over tcp or every protocol."""
    return [
        opening
        for source in (ANY_IPV4, ANY_IPV6)
        for opening in group_openings(permissions, source, ports=(CIFS_PORT,), protocols=(TCP, ALL))
    ]


def opening_rules(openings: Iterable[Opening]) -> list[Rule]:
    """The permissions or entries behind ``openings``, each once, in order: a verdict's evidence."""
    found: list[Rule] = []
    for opening in openings:
        if opening.rule is not None and not any(rule is opening.rule for rule in found):
            found.append(opening.rule)
    return found


def rule_count(permissions: Iterable[Rule]) -> int:
    """How many rules a list of permissions holds: one per source (CIDR, group or prefix list).

    A permission listed without any source still counts as one rule, so an odd
    answer can never make a default group look empty.
    """
    total = 0
    for permission in permissions:
        sources = sum(
            len(permission.get(key, []))
            for key in ("IpRanges", "Ipv6Ranges", "UserIdGroupPairs", "PrefixListIds")
        )
        total += max(1, sources)
    return total


# -- network ACLs (5.1) -----------------------------------------------------

def _entry_source(entry: Rule) -> str | None:
    return entry.get("CidrBlock") or entry.get("Ipv6CidrBlock")


def acl_openings(entries: Iterable[Rule]) -> list[Opening]:
    """Admin ports a network ACL lets in from the whole internet.

    A network ACL evaluates inbound entries in rule-number order and the first
    entry that matches the packet decides. For each of 0.0.0.0/0 and ::/0, each
    admin port and each of tcp and udp, this finds the first inbound entry whose
    source is that whole address space (a narrower CIDR does not match all such
    traffic, so it neither opens nor protects the port) and whose protocol and port
    range match; the port is open if that entry allows. Openings by the same entry
    are merged, naming the protocols that reach it.
    """
    inbound = sorted((e for e in entries if not e.get("Egress")), key=lambda e: e.get("RuleNumber", 0))
    reached: dict[tuple[str, int, int], list[str]] = {}
    rules: dict[tuple[str, int, int], Rule] = {}
    for source in (ANY_IPV4, ANY_IPV6):
        for port in ADMIN_PORTS:
            for carried in _ADMIN_PROTOCOLS:
                entry = _first_match(inbound, source, carried, port)
                if entry is None or entry.get("RuleAction") != "allow":
                    continue
                key = (source, port, entry.get("RuleNumber", 0))
                reached.setdefault(key, []).append(carried)
                rules[key] = entry
    openings = []
    for (source, port, number), carried in reached.items():
        entry = rules[(source, port, number)]
        span = entry.get("PortRange") or {}
        openings.append(
            Opening(
                source,
                port,
                traffic(protocol_of(entry.get("Protocol")), span.get("From"), span.get("To")),
                protocols=tuple(carried),
                rule_number=number,
                rule=entry,
            )
        )
    return openings


def _first_match(inbound: list[Rule], source: str, carried: str, port: int) -> Rule | None:
    for entry in inbound:
        if _entry_source(entry) != source or not reaches(protocol_of(entry.get("Protocol")), carried):
            continue
        span = entry.get("PortRange") or {}
        if covers(span.get("From"), span.get("To"), port):
            return entry
    return None  # nothing matched: the ACL's implicit final deny applies


# -- routes to the internet (2.3.3) ----------------------------------------

@dataclass(frozen=True)
class InternetRoute:
    """A subnet whose route table sends the whole internet to an internet gateway."""

    subnet: str
    route_table: str
    destination: str  # 0.0.0.0/0 or ::/0
    gateway: str  # igw-...

    def describe(self) -> str:
        return f"subnet {self.subnet} routes {self.destination} to internet gateway {self.gateway} (route table {self.route_table})"


def _table_of(subnet: str, vpc_id: str | None, tables: list[Rule]) -> Rule | None:
    """The route table a subnet uses: its explicit association, else its VPC's main table."""
    for table in tables:
        for association in table.get("Associations", []) or []:
            if association.get("SubnetId") == subnet and _associated(association):
                return table
    for table in tables:
        if table.get("VpcId") == vpc_id and any(
            a.get("Main") and _associated(a) for a in table.get("Associations", []) or []
        ):
            return table
    return None


def _associated(association: Rule) -> bool:
    return (association.get("AssociationState") or {}).get("State", "associated") == "associated"


def internet_routes(route_tables: Iterable[Rule], vpc_id: str | None, subnets: Iterable[str]) -> list[InternetRoute]:
    """The subnets (of one VPC) that route 0.0.0.0/0 or ::/0 to an internet gateway.

    An egress-only internet gateway (``eigw-``) lets nothing in, and a blackhole route
    goes nowhere: neither makes a subnet public.
    """
    tables = list(route_tables)
    found = []
    for subnet in subnets:
        table = _table_of(subnet, vpc_id, tables)
        for route in (table or {}).get("Routes", []) or []:
            destination = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
            gateway = route.get("GatewayId") or ""
            if destination in (ANY_IPV4, ANY_IPV6) and gateway.startswith("igw-") and route.get("State") != "blackhole":
                found.append(InternetRoute(subnet, table.get("RouteTableId", ""), destination, gateway))
    return found


# -- instance metadata (5.6) ------------------------------------------------

def imdsv2_only(options: Rule) -> bool:
    """Whether an instance refuses IMDSv1: tokens required, or no metadata endpoint at all."""
    return options.get("HttpTokens") == "required" or options.get("HttpEndpoint") == "disabled"
