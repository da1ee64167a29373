"""Network fixes built from the evidence: security group rules (5.2, 5.3, CIFS, 5.4) and
network ACL entries (5.1).

A security group fix revokes exactly the permission that opens the port to the internet:
the protocol and port range as AWS listed them, with only the internet range (0.0.0.0/0
or ::/0), so the same permission's other ranges and every other rule stay. A network ACL
fix adds Deny entries for the admin ports ahead of the Allow that lets them in, so every
other port the Allow opens stays open.
"""
from __future__ import annotations

from ..rules import network as rules
from .model import Fix, quote, quote_json

# A range entry's fields AWS needs to find the rule to revoke (a Description is not one).
_RANGE_KEYS = {"IpRanges": "CidrIp", "Ipv6Ranges": "CidrIpv6", "PrefixListIds": "PrefixListId"}
_PAIR_KEYS = ("GroupId", "UserId", "VpcId", "VpcPeeringConnectionId")


def _exact(permission: dict, source: str) -> dict:
    """The permission narrowed to one internet range, as revoke-security-group-ingress wants it."""
    found = {"IpProtocol": permission.get("IpProtocol")}
    for key in ("FromPort", "ToPort"):
        if key in permission:
            found[key] = permission[key]
    found["Ipv6Ranges" if ":" in source else "IpRanges"] = [{("CidrIpv6" if ":" in source else "CidrIp"): source}]
    return found


def revoke_openings(group, openings) -> Fix:
    direct, listed, seen = [], [], set()
    for opening in openings:
        if opening.prefix_list:
            listed.append(opening)
            continue
        permission = _exact(opening.rule, opening.source)
        key = repr(sorted(permission.items()))
        if key not in seen:
            seen.add(key)
            direct.append(permission)
    # One command per permission: 5.2, 5.3 and the CIFS check may name the same one, and the
    # fix script writes a command another fix already wrote only once.
    commands = [f"aws ec2 revoke-security-group-ingress --region {quote(group.region)} --group-id {quote(group.id)} "
                f"--ip-permissions {quote_json([permission])}" for permission in direct]
    for prefix_list in sorted({o.prefix_list for o in listed}):
        # The list is shared: removing the internet range from it changes every group that
        # names it, and only its owner can say whether that is right.
        sources = sorted({o.source for o in listed if o.prefix_list == prefix_list})
        commands.append(
            f"aws ec2 modify-managed-prefix-list --region {quote(group.region)} --prefix-list-id {quote(prefix_list)} "
            f"--current-version <prefix-list-version> --remove-entries " + " ".join(f"Cidr={s}" for s in sources))
    return Fix.run(*commands)


def admin_ports_ipv4(control, group) -> Fix:
    return revoke_openings(group, rules.group_openings(group.inbound, rules.ANY_IPV4))


def admin_ports_ipv6(control, group) -> Fix:
    return revoke_openings(group, rules.group_openings(group.inbound, rules.ANY_IPV6))


def cifs(control, group) -> Fix:
    return revoke_openings(group, rules.cifs_openings(group.inbound))


def _as_listed(permission: dict) -> dict:
    """A permission as revoke takes it back: its sources without descriptions."""
    found = {"IpProtocol": permission.get("IpProtocol")}
    for key in ("FromPort", "ToPort"):
        if key in permission:
            found[key] = permission[key]
    for key, field in _RANGE_KEYS.items():
        if permission.get(key):
            found[key] = [{field: r[field]} for r in permission[key] if r.get(field)]
    if permission.get("UserIdGroupPairs"):
        found["UserIdGroupPairs"] = [{k: p[k] for k in _PAIR_KEYS if p.get(k)} for p in permission["UserIdGroupPairs"]]
    return found


def default_group_closed(control, group) -> Fix:
    """5.4: every inbound and outbound rule of the default group revoked, as the audit listed them."""
    commands = []
    where = f"--region {quote(group.region)} --group-id {quote(group.id)}"
    if group.inbound_rules:
        commands.append(f"aws ec2 revoke-security-group-ingress {where} "
                        f"--ip-permissions {quote_json([_as_listed(p) for p in group.inbound_rules])}")
    if group.outbound_rules:
        commands.append(f"aws ec2 revoke-security-group-egress {where} "
                        f"--ip-permissions {quote_json([_as_listed(p) for p in group.outbound_rules])}")
    return Fix.run(*commands)


_PROTOCOL_NUMBER = {rules.TCP: "6", rules.UDP: "17"}


def acl_denies(control, acl) -> Fix:
    """5.1: a Deny for each admin port and protocol the ACL lets in from the internet, numbered
    just below the Allow entry that lets it in (network ACLs apply the lowest number first)."""
    taken = {e.get("RuleNumber") for e in acl.entries if not e.get("Egress")}
    commands = []
    for opening in sorted(rules.acl_openings(acl.entries), key=lambda o: (o.rule_number, o.source, o.port)):
        for protocol in opening.protocols:
            number = next((n for n in range(opening.rule_number - 1, 0, -1) if n not in taken), None)
            if number is None:
                return Fix.none(f"network ACL {acl.id} has no free rule number below {opening.rule_number} for a Deny: "
                                f"renumber its entries, or narrow entry {opening.rule_number} itself")
            taken.add(number)
            cidr = "--ipv6-cidr-block" if ":" in opening.source else "--cidr-block"
            commands.append(
                f"aws ec2 create-network-acl-entry --region {quote(acl.region)} --network-acl-id {quote(acl.id)} --ingress "
                f"--rule-number {number} --protocol {_PROTOCOL_NUMBER[protocol]} "
                f"--port-range From={opening.port},To={opening.port} {cidr} {opening.source} --rule-action deny")
    return Fix.run(*commands)


def s3_gateway_endpoint(control, vpc) -> Fix:
    """v7.0.0's VPC endpoints: the route tables of the internet-routed subnets that lack one get
    the S3 gateway endpoint: added to the VPC's existing endpoint, or a new one with just them."""
    from ..rules import vpc_endpoints as endpoint_rules

    found = endpoint_rules.endpoints_of(vpc.endpoints)
    internet = endpoint_rules.internet_subnets(vpc.id, vpc.subnets, list(vpc.route_tables))
    tables = sorted({s.route_table for s in endpoint_rules.without_gateway_endpoint(internet, found)})
    if not tables:
        return Fix.none("the finding names no route table to give an S3 gateway endpoint: see its message")
    ids = " ".join(quote(t) for t in tables)
    existing = sorted(e.id for e in found if e.service == endpoint_rules.JUDGED and e.kind == "Gateway")
    if existing:
        return Fix.run(f"aws ec2 modify-vpc-endpoint --region {quote(vpc.region)} --vpc-endpoint-id {quote(existing[0])} "
                       f"--add-route-table-ids {ids}")
    return Fix.run(f"aws ec2 create-vpc-endpoint --region {quote(vpc.region)} --vpc-id {quote(vpc.id)} "
                   f"--vpc-endpoint-type Gateway --service-name {quote(_s3_service(vpc))} --route-table-ids {ids}")


def _s3_service(vpc) -> str:
    # The name AWS gives S3's endpoint service in a region.
    return f"com.amazonaws.{vpc.region}.s3"
