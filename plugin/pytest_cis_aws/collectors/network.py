"""VPC network evidence (regional): network ACLs and security groups.

Used by 5.1 (each network ACL), 5.2 and 5.3 (each security group) and 5.4 (the
default security group of each VPC). A failed listing makes the whole region's
listing one Unevaluable unit: no group or ACL is assumed safe because AWS refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..aws.reader import Read
from ..rules.network import expand_prefix_lists, prefix_lists
from .base import Unit, collector, errors_of


def _name_tag(raw: dict) -> str | None:
    return next((t.get("Value") for t in raw.get("Tags", []) if t.get("Key") == "Name"), None)


@dataclass(frozen=True, kw_only=True)
class NetworkAcl(Unit):
    id: str
    vpc_id: str
    name: str | None  # the Name tag, if any
    is_default: bool
    entries: tuple[dict[str, Any], ...]

    @property
    def display(self) -> str:
        """How messages name the ACL: its id, and its Name tag when it has one."""
        return f"{self.id} ({self.name})" if self.name else self.id


@dataclass(frozen=True, kw_only=True)
class SecurityGroup(Unit):
    """A security group. ``inbound`` / ``outbound`` are what it lets through: its permissions
    with every managed prefix list they name expanded into its CIDRs (a list that could not
    be read leaves "prefix_lists" / "egress_prefix_lists" in ``errors``). ``inbound_rules`` /
    ``outbound_rules`` are the permissions as AWS lists them."""

    id: str
    group_name: str
    name_tag: str | None
    description: str
    vpc_id: str | None
    inbound: tuple[dict[str, Any], ...]
    outbound: tuple[dict[str, Any], ...]
    inbound_rules: tuple[dict[str, Any], ...] = ()
    outbound_rules: tuple[dict[str, Any], ...] = ()

    @property
    def is_vpc_default(self) -> bool:
        return self.group_name == "default" and bool(self.vpc_id)

    @property
    def display(self) -> str:
        """How messages name the group: its id and name, and a Name tag that says otherwise."""
        names = self.group_name
        if self.name_tag and self.name_tag != self.group_name:
            names += f", Name tag {self.name_tag}"
        return f"{self.id} ({names})"


@collector(regional=True)
def network_acls(aws, region) -> list[NetworkAcl]:
    response = aws.call("ec2", "DescribeNetworkAcls", region=region)
    return [
        NetworkAcl(
            account=aws.account,
            region=region,
            resource=f"arn:{aws.partition}:ec2:{region}:{aws.account}:network-acl/{raw['NetworkAclId']}",
            label=f"network-acl/{raw['NetworkAclId']}",
            id=raw["NetworkAclId"],
            vpc_id=raw.get("VpcId", ""),
            name=_name_tag(raw),
            is_default=bool(raw.get("IsDefault")),
            entries=tuple(raw.get("Entries", [])),
        )
        for raw in response.get("NetworkAcls", [])
    ]


@collector(regional=True)
def security_groups(aws, region) -> list[SecurityGroup]:
    response = aws.call("ec2", "DescribeSecurityGroups", region=region)
    listed = response.get("SecurityGroups", [])
    named = set().union(*(prefix_lists(raw.get(key, [])) for raw in listed
                          for key in ("IpPermissions", "IpPermissionsEgress"))) if listed else set()
    entries: dict[str, list[str]] = {}
    failed: dict[str, Read] = {}
    for listed_id in sorted(named):
        read = aws.read("ec2", "GetManagedPrefixListEntries", region=region, PrefixListId=listed_id)
        if read.error is not None:
            failed[listed_id] = read
        else:
            entries[listed_id] = [e.get("Cidr") for e in (read.value or {}).get("Entries", []) if e.get("Cidr")]
    return [_group(aws, region, raw, entries, failed) for raw in listed]


def _group(aws, region: str, raw: dict, entries: dict[str, list[str]], failed: dict[str, Read]) -> SecurityGroup:
    inbound, outbound = raw.get("IpPermissions", []), raw.get("IpPermissionsEgress", [])
    unread_in = next((failed[i] for i in sorted(prefix_lists(inbound)) if i in failed), None)
    unread_out = next((failed[i] for i in sorted(prefix_lists(outbound)) if i in failed), None)
    return SecurityGroup(
        account=aws.account,
        region=region,
        resource=raw.get("SecurityGroupArn")
        or f"arn:{aws.partition}:ec2:{region}:{aws.account}:security-group/{raw['GroupId']}",
        label=f"security-group/{raw['GroupId']}",
        id=raw["GroupId"],
        group_name=raw.get("GroupName", ""),
        name_tag=_name_tag(raw),
        description=raw.get("Description", ""),
        vpc_id=raw.get("VpcId"),
        inbound=expand_prefix_lists(inbound, entries),
        outbound=expand_prefix_lists(outbound, entries),
        inbound_rules=tuple(inbound),
        outbound_rules=tuple(outbound),
        errors=errors_of(**{name: read for name, read in (("prefix_lists", unread_in), ("egress_prefix_lists", unread_out))
                            if read is not None}),
    )


def all_network_acls(inv):
    """Unit source: every network ACL in every account and region."""
    return inv.per_region(network_acls, lambda account, region, found: found, what="network-acls")


def all_security_groups(inv):
    """Unit source: every security group in every account and region."""
    return inv.per_region(security_groups, lambda account, region, found: found, what="security-groups")


def default_security_groups(inv):
    """Unit source: the default security group of every VPC."""
    return inv.per_region(
        security_groups,
        lambda account, region, found: [group for group in found if group.is_vpc_default],
        what="security-groups",
    )
