"""Section 5's port, protocol and CIDR rules, on AWS-shaped data (no AWS needed)."""
import pytest

from pytest_cis_aws.rules.network import (
    ANY_IPV4,
    ANY_IPV6,
    Opening,
    acl_openings,
    covers,
    group_openings,
    imdsv2_only,
    opening_rules,
    rule_count,
    traffic,
)


def permission(protocol, low=None, high=None, ipv4=(), ipv6=(), groups=()):
    found = {
        "IpProtocol": protocol,
        "IpRanges": [{"CidrIp": c} for c in ipv4],
        "Ipv6Ranges": [{"CidrIpv6": c} for c in ipv6],
        "UserIdGroupPairs": [{"GroupId": g} for g in groups],
        "PrefixListIds": [],
    }
    if low is not None:
        found["FromPort"], found["ToPort"] = low, high
    return found


def entry(number, action, protocol="-1", low=None, high=None, ipv4=None, ipv6=None, egress=False):
    found = {"RuleNumber": number, "RuleAction": action, "Protocol": protocol, "Egress": egress}
    if ipv4:
        found["CidrBlock"] = ipv4
    if ipv6:
        found["Ipv6CidrBlock"] = ipv6
    if low is not None:
        found["PortRange"] = {"From": low, "To": high}
    return found


DEFAULT_DENY = entry(32767, "deny", ipv4=ANY_IPV4)


# -- port ranges and wording ------------------------------------------------

@pytest.mark.parametrize(
    ("low", "high", "port", "expected"),
    [(22, 22, 22, True), (0, 65535, 3389, True), (23, 3388, 22, False), (23, 3388, 3389, False),
     (None, None, 22, True), (-1, -1, 3389, True), (3389, 3390, 3389, True), (20, 21, 22, False)],
)
def test_covers_inclusive_ranges_and_all_ports(low, high, port, expected):
    assert covers(low, high, port) is expected


def test_traffic_wording():
    assert [traffic("tcp", 0, 65535), traffic("udp", 3389, 3389), traffic("all", None, None), traffic("tcp", None, None)] == [
        "tcp 0-65535", "udp 3389", "all traffic", "tcp all ports",
    ]


# -- security groups (5.2, 5.3) ---------------------------------------------

def test_group_open_ssh_range_names_port_and_range():
    found = group_openings([permission("tcp", 0, 65535, ipv4=[ANY_IPV4])], ANY_IPV4)
    assert found == [Opening(ANY_IPV4, 22, "tcp 0-65535"), Opening(ANY_IPV4, 3389, "tcp 0-65535")]
    assert [o.describe() for o in found] == ["port 22 (tcp 0-65535)", "port 3389 (tcp 0-65535)"]


@pytest.mark.parametrize("protocol", ["tcp", "udp", "-1", "6", "17"])
def test_group_protocols_that_carry_admin_traffic(protocol):
    low, high = (None, None) if protocol == "-1" else (3389, 3389)
    expected = [22, 3389] if protocol == "-1" else [3389]
    assert [o.port for o in group_openings([permission(protocol, low, high, ipv4=[ANY_IPV4])], ANY_IPV4)] == expected


def test_group_icmp_narrow_source_and_other_ports_do_not_open():
    permissions = [
        permission("icmp", -1, -1, ipv4=[ANY_IPV4]),
        permission("tcp", 22, 22, ipv4=["203.0.113.0/24"]),
        permission("tcp", 443, 443, ipv4=[ANY_IPV4]),
        permission("tcp", 22, 22, groups=["sg-1"]),
    ]
    assert group_openings(permissions, ANY_IPV4) == []


def test_group_ipv4_and_ipv6_are_separate_controls():
    permissions = [permission("tcp", 3389, 3389, ipv6=[ANY_IPV6])]
    assert group_openings(permissions, ANY_IPV4) == []
    assert group_openings(permissions, ANY_IPV6) == [Opening(ANY_IPV6, 3389, "tcp 3389")]


def test_group_first_permission_opening_a_port_is_reported_once():
    permissions = [permission("tcp", 22, 22, ipv4=[ANY_IPV4]), permission("-1", ipv4=[ANY_IPV4])]
    assert group_openings(permissions, ANY_IPV4) == [
        Opening(ANY_IPV4, 22, "tcp 22"), Opening(ANY_IPV4, 3389, "all traffic"),
    ]


def test_opening_rules_are_the_permissions_and_entries_that_open_each_once():
    wide, ssh = permission("-1", ipv4=[ANY_IPV4]), permission("tcp", 22, 22, ipv4=[ANY_IPV4])
    narrow = permission("tcp", 3389, 3389, ipv4=["10.0.0.0/8"])
    assert opening_rules(group_openings([ssh, narrow, wide], ANY_IPV4)) == [ssh, wide]
    assert opening_rules(group_openings([wide], ANY_IPV4)) == [wide]  # opens both ports: listed once
    assert opening_rules(group_openings([narrow], ANY_IPV4)) == []
    allow = entry(100, "allow", ipv4=ANY_IPV4)
    assert opening_rules(acl_openings([entry(90, "deny", "6", 22, 22, ipv4=ANY_IPV4), allow, DEFAULT_DENY])) == [allow]


def test_rule_count_counts_each_source():
    permissions = [permission("tcp", 22, 22, ipv4=["10.0.0.0/8", ANY_IPV4], ipv6=[ANY_IPV6]), permission("-1", groups=["sg-1"])]
    assert (rule_count(permissions), rule_count([])) == (4, 0)


def test_rule_count_never_reads_a_listed_permission_as_none():
    assert rule_count([{"IpProtocol": "-1", "IpRanges": [], "UserIdGroupPairs": []}]) == 1


# -- network ACLs (5.1) -----------------------------------------------------

def test_acl_default_allow_all_opens_both_ports_over_tcp_and_udp():
    found = acl_openings([entry(100, "allow", ipv4=ANY_IPV4), DEFAULT_DENY])
    assert [o.describe() for o in found] == [
        "0.0.0.0/0 to port 22 over tcp and udp (rule 100: all traffic)",
        "0.0.0.0/0 to port 3389 over tcp and udp (rule 100: all traffic)",
    ]


def test_acl_lower_deny_protects_port_from_later_allow():
    entries = [
        entry(100, "allow", ipv4=ANY_IPV4),
        entry(10, "deny", "6", 22, 22, ipv4=ANY_IPV4),
        entry(20, "deny", "-1", ipv4=ANY_IPV4).copy() | {"PortRange": {"From": 3389, "To": 3389}},
        DEFAULT_DENY,
    ]
    # tcp 22 is denied by rule 10, but udp 22 falls through to the allow-all rule 100.
    assert [o.describe() for o in acl_openings(entries)] == ["0.0.0.0/0 to port 22 over udp (rule 100: all traffic)"]


def test_acl_order_is_by_rule_number_not_listing_order():
    entries = [entry(200, "deny", "-1", ipv4=ANY_IPV4), entry(100, "allow", "6", 3389, 3389, ipv4=ANY_IPV4)]
    assert [o.describe() for o in acl_openings(entries)] == ["0.0.0.0/0 to port 3389 over tcp (rule 100: tcp 3389)"]


def test_acl_higher_deny_does_not_protect():
    entries = [entry(100, "allow", "6", 0, 65535, ipv4=ANY_IPV4), entry(110, "deny", "6", 22, 22, ipv4=ANY_IPV4)]
    assert [(o.port, o.rule_number) for o in acl_openings(entries)] == [(22, 100), (3389, 100)]


def test_acl_narrow_cidr_entries_neither_open_nor_protect():
    narrow_allow = [entry(100, "allow", "6", 22, 22, ipv4="10.0.0.0/8"), DEFAULT_DENY]
    assert acl_openings(narrow_allow) == []
    narrow_deny = [entry(50, "deny", "-1", ipv4="198.51.100.0/24"), entry(100, "allow", "6", 22, 22, ipv4=ANY_IPV4)]
    assert [(o.port, o.rule_number) for o in acl_openings(narrow_deny)] == [(22, 100)]


def test_acl_ipv6_is_evaluated_on_its_own():
    entries = [entry(50, "deny", "-1", ipv4=ANY_IPV4), entry(101, "allow", "-1", ipv6=ANY_IPV6)]
    assert [(o.source, o.port) for o in acl_openings(entries)] == [(ANY_IPV6, 22), (ANY_IPV6, 3389)]


def test_acl_egress_icmp_and_other_ports_do_not_open():
    entries = [
        entry(100, "allow", "-1", ipv4=ANY_IPV4, egress=True),
        entry(110, "allow", "1", ipv4=ANY_IPV4),
        entry(120, "allow", "6", 80, 443, ipv4=ANY_IPV4),
        entry(130, "allow", "17", 3390, 65535, ipv4=ANY_IPV4),
        DEFAULT_DENY,
    ]
    assert acl_openings(entries) == []


def test_acl_ephemeral_return_range_covers_rdp():
    # The usual 1024-65535 allow for return traffic also admits new connections to 3389.
    found = acl_openings([entry(130, "allow", "6", 1024, 65535, ipv4=ANY_IPV4), DEFAULT_DENY])
    assert [o.describe() for o in found] == ["0.0.0.0/0 to port 3389 over tcp (rule 130: tcp 1024-65535)"]


def test_acl_without_entries_denies_everything():
    assert acl_openings([]) == []


# -- instance metadata (5.6) ------------------------------------------------

@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"HttpTokens": "required", "HttpEndpoint": "enabled"}, True),
        ({"HttpTokens": "optional", "HttpEndpoint": "disabled"}, True),
        ({"HttpTokens": "optional", "HttpEndpoint": "enabled"}, False),
        ({}, False),
    ],
)
def test_imdsv2_only(options, expected):
    assert imdsv2_only(options) is expected


# -- routes to the internet (2.3.3) ------------------------------------------
from pytest_cis_aws.rules.network import InternetRoute, internet_routes  # noqa: E402

VPC = "vpc-1"


def table(table_id, routes, subnets=(), main=False, vpc=VPC):
    associations = [{"SubnetId": s, "RouteTableId": table_id, "AssociationState": {"State": "associated"}} for s in subnets]
    if main:
        associations.append({"Main": True, "RouteTableId": table_id})
    return {"RouteTableId": table_id, "VpcId": vpc, "Associations": associations, "Routes": routes}


def route(destination, gateway, state="active"):
    key = "DestinationIpv6CidrBlock" if ":" in destination else "DestinationCidrBlock"
    return {key: destination, "GatewayId": gateway, "State": state}


LOCAL = route("10.0.0.0/16", "local")


def test_a_subnet_uses_its_own_table_else_the_main_one():
    tables = [
        table("rtb-main", [LOCAL, route("0.0.0.0/0", "igw-1")], main=True),
        table("rtb-private", [LOCAL], subnets=["subnet-private"]),
        table("rtb-other-vpc", [route("0.0.0.0/0", "igw-9")], main=True, vpc="vpc-2"),
    ]
    assert internet_routes(tables, VPC, ["subnet-private", "subnet-unassociated"]) == [
        InternetRoute("subnet-unassociated", "rtb-main", "0.0.0.0/0", "igw-1")
    ]


def test_only_the_whole_internet_to_an_internet_gateway_counts():
    tables = [
        table("rtb-a", [route("::/0", "igw-6")], subnets=["subnet-ipv6"]),
        table("rtb-b", [route("::/0", "eigw-1")], subnets=["subnet-egress-only"]),
        table("rtb-c", [route("0.0.0.0/0", "igw-1", state="blackhole")], subnets=["subnet-blackhole"]),
        table("rtb-d", [route("0.0.0.0/0", "nat-1")], subnets=["subnet-nat"]),
        table("rtb-e", [route("0.0.0.0/1", "igw-1")], subnets=["subnet-half"]),
        table("rtb-f", [LOCAL], subnets=["subnet-old"]) | {"Associations": [
            {"SubnetId": "subnet-old", "AssociationState": {"State": "disassociated"}}]},
    ]
    subnets = ["subnet-ipv6", "subnet-egress-only", "subnet-blackhole", "subnet-nat", "subnet-half", "subnet-old"]
    assert internet_routes(tables, VPC, subnets) == [InternetRoute("subnet-ipv6", "rtb-a", "::/0", "igw-6")]
    assert internet_routes([], VPC, subnets) == []


# -- managed prefix lists in security group rules (5.2, 5.3, and any rule over groups) ----
from pytest_cis_aws.rules.network import ANY_IPV4, ANY_IPV6, Opening, expand_prefix_lists, group_openings, prefix_lists  # noqa: E402


def test_prefix_lists_are_expanded_into_the_rule_they_are_named_in():
    permissions = [
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "PrefixListIds": [{"PrefixListId": "pl-any"}],
         "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "-1", "PrefixListIds": [{"PrefixListId": "pl-v6"}, {"PrefixListId": "pl-unread"}]},
    ]
    assert prefix_lists(permissions) == {"pl-any", "pl-v6", "pl-unread"}
    expanded = expand_prefix_lists(permissions, {"pl-any": ["0.0.0.0/0", "192.0.2.0/24"], "pl-v6": ["::/0"]})
    assert expanded[0]["IpRanges"] == [
        {"CidrIp": "10.0.0.0/8"}, {"CidrIp": "0.0.0.0/0", "PrefixListId": "pl-any"}, {"CidrIp": "192.0.2.0/24", "PrefixListId": "pl-any"},
    ]
    assert expanded[1]["Ipv6Ranges"] == [{"CidrIpv6": "::/0", "PrefixListId": "pl-v6"}]
    assert permissions[0]["IpRanges"] == [{"CidrIp": "10.0.0.0/8"}]  # the listed rules are left as AWS gave them
    assert group_openings(expanded, ANY_IPV4) == [Opening(ANY_IPV4, 22, "tcp 22", prefix_list="pl-any")]
    assert group_openings(expanded, ANY_IPV6) == [
        Opening(ANY_IPV6, 22, "all traffic", prefix_list="pl-v6"), Opening(ANY_IPV6, 3389, "all traffic", prefix_list="pl-v6"),
    ]
    # any port a later rule asks about (CIFS: 445) sees the expansion too
    assert group_openings(expanded, ANY_IPV6, ports=(445,)) == [Opening(ANY_IPV6, 445, "all traffic", prefix_list="pl-v6")]
    assert Opening(ANY_IPV4, 22, "tcp 22", prefix_list="pl-any").describe() == "port 22 (tcp 22, through prefix list pl-any)"


def test_a_cidr_written_in_the_rule_is_named_before_a_list_holding_it():
    permission = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                  "PrefixListIds": [{"PrefixListId": "pl-any"}]}
    expanded = expand_prefix_lists([permission], {"pl-any": ["0.0.0.0/0"]})
    assert group_openings(expanded, ANY_IPV4) == [Opening(ANY_IPV4, 22, "tcp 22")]
