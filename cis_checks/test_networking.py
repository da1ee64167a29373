"""Section 5: Networking.

PYTEST_DONT_REWRITE: a control's verdict is its own message, so pytest's assertion
introspection (costly at organisation scale, and noise in a finding) is left out.
"""
from pytest_cis_aws.controls import control, evidence, passed_because
from pytest_cis_aws.collectors import instances, network, vpc_endpoints
from pytest_cis_aws.collectors.inventory import Inventory
from pytest_cis_aws.rules import vpc_endpoints as endpoint_rules
from pytest_cis_aws.rules.network import (
    ANY_IPV4, ANY_IPV6, acl_openings, cifs_openings, group_openings, imdsv2_only, opening_rules, rule_count,
)


@control("5.1", units=network.all_network_acls)
def test_5_1_network_acl_blocks_admin_ports_from_internet(acl):
    openings = acl_openings(acl.entries)
    evidence("ec2:DescribeNetworkAcls", NetworkAclId=acl.id, Entries=opening_rules(openings))
    assert not openings, f"network ACL {acl.display} allows " + ", ".join(o.describe() for o in openings)


def _group_message(group, source, openings) -> str:
    ports = " and ".join(o.describe() for o in openings)
    return f"security group {group.display} allows {source} to {ports}"


# group.inbound holds every managed prefix list's CIDRs (collectors/network.py): a list that
# could not be read makes the group an ERROR ("prefix_lists"), never a pass.
@control("5.2", units=network.all_security_groups, reads=("prefix_lists",))
def test_5_2_security_group_blocks_admin_ports_from_ipv4_internet(group):
    openings = group_openings(group.inbound, ANY_IPV4)
    evidence("ec2:DescribeSecurityGroups", GroupName=group.group_name, IpPermissions=opening_rules(openings))
    assert not openings, _group_message(group, ANY_IPV4, openings)


@control("5.3", units=network.all_security_groups, reads=("prefix_lists",))
def test_5_3_security_group_blocks_admin_ports_from_ipv6_internet(group):
    openings = group_openings(group.inbound, ANY_IPV6)
    evidence("ec2:DescribeSecurityGroups", GroupName=group.group_name, IpPermissions=opening_rules(openings))
    assert not openings, _group_message(group, ANY_IPV6, openings)


@control("5.4", units=network.default_security_groups, reads=("rules",))
def test_5_4_default_security_group_has_no_rules(group):
    inbound, outbound = rule_count(group.inbound_rules), rule_count(group.outbound_rules)
    evidence("ec2:DescribeSecurityGroups", GroupId=group.id, inbound_rules=inbound, outbound_rules=outbound)
    assert inbound == outbound == 0, (
        f"default security group {group.id} of {group.vpc_id} allows traffic: "
        f"{_rules(inbound)} inbound, {_rules(outbound)} outbound"
    )


def _rules(count: int) -> str:
    return f"{count} rule" if count == 1 else f"{count} rules"


def _each_account(inv: Inventory):
    return inv.accounts()


@control("5.5", units=_each_account, manual=True)
def test_5_5_peering_routes_least_access(account):
    """Manual: whether a peering route is narrow enough is a judgement about intent."""


@control("5.6", units=instances.all_instances)
def test_5_6_instance_requires_imdsv2(instance):
    options = instance.metadata_options
    evidence("ec2:DescribeInstances", InstanceId=instance.id,
             MetadataOptions={k: options.get(k) for k in ("HttpTokens", "HttpEndpoint")})
    named = instance.id if instance.name == instance.id else f"{instance.id} ({instance.name})"
    assert imdsv2_only(options), (
        f"instance {named} accepts IMDSv1 "
        f"(HttpTokens {options.get('HttpTokens', 'unset')}, endpoint {options.get('HttpEndpoint', 'unset')})"
    )


@control("cifs-port-restricted", units=network.all_security_groups, reads=("prefix_lists",))
def test_cifs_port_restricted(group):
    openings = cifs_openings(group.inbound)  # prefix lists expanded, as for 5.2 and 5.3
    evidence("ec2:DescribeSecurityGroups", GroupName=group.group_name, IpPermissions=opening_rules(openings))
    assert not openings, f"security group {group.display} allows " + " and ".join(
        f"{o.source} to {o.describe()}" for o in openings
    )


@control("vpc-endpoints", units=vpc_endpoints.all_vpc_routing, reads=("routing",))
def test_vpc_endpoints(vpc):
    # Only S3 decides (plugin/pytest_cis_aws/rules/vpc_endpoints.py says why); DynamoDB and interface endpoints are named.
    found = endpoint_rules.endpoints_of(vpc.endpoints)
    internet = endpoint_rules.internet_subnets(vpc.id, vpc.subnets, list(vpc.route_tables))
    missing = endpoint_rules.without_endpoint(internet, found)
    evidence("ec2:DescribeRouteTables", internet_routed_subnets=[s.describe() for s in internet])
    evidence("ec2:DescribeVpcEndpoints", endpoints=[e.describe() for e in found])
    assert not missing, (
        f"{vpc.display} reaches S3 over the internet, with no S3 gateway endpoint routed from, and no S3 interface "
        "endpoint in, " + ", ".join(s.describe() for s in missing)
    )
    if not internet:
        routed = "no subnet routes to the internet"
    elif not endpoint_rules.without_gateway_endpoint(internet, found):
        routed = "every subnet that routes to the internet has an S3 gateway endpoint route"
    else:  # some reach S3 through an interface endpoint in them
        routed = "every subnet that routes to the internet has an S3 gateway endpoint route or an S3 interface endpoint in it"
    passed_because(f"{vpc.display}: {routed}; endpoints: {', '.join(e.describe() for e in found) or 'none'}")
