"""Demo estate for section 5 (networking): each control shows both outcomes.

moto gives every account a default VPC in every region, with a default network ACL
that allows all inbound traffic (5.1 fails, as on AWS) and a default security group.
moto's default group lacks the self-referencing inbound rule AWS creates, so the
seeding adds it: "left as created" then looks as it does on AWS.

One account also holds a security group whose description, Name tag and rule description
carry HTML markup (``MARKUP``) and that fails 5.2: the reports (its message, and the
evidence of the failure) must show it escaped. Another has SSH rules naming managed
prefix lists, one of which holds 0.0.0.0/0.
"""
from __future__ import annotations

from ..clients import EstateClients

MARKUP = "<img src=x onerror=alert(1)>"
MARKUP_GROUP = "legacy-admin"
IMAGE = "ami-12c6146b"  # one of moto's bundled images
ANYWHERE_V4, ANYWHERE_V6 = "0.0.0.0/0", "::/0"


def seed(clients: EstateClients, accounts: tuple[str, ...], regions: tuple[str, ...]) -> None:
    first, second, third = (accounts[i % len(accounts)] for i in range(3))
    home, other = regions[0], regions[-1]
    for account in dict.fromkeys(accounts):
        for region in regions:
            _restore_self_reference(clients.client("ec2", account, region))
    _production(clients.client("ec2", first, home))
    _remote_desktop(clients.client("ec2", second, other))
    _development(clients.client("ec2", third, home))


# -- per account --------------------------------------------------------------

def _production(ec2) -> None:
    """A production VPC: a web tier done right, beside an open bastion and a legacy group."""
    vpc = ec2.create_vpc(CidrBlock="10.10.0.0/16", TagSpecifications=_name("vpc", "prod"))["Vpc"]["VpcId"]
    _restore_self_reference(ec2, vpc)  # the new VPC's default group, left as created
    _group(ec2, vpc, "web-https", "HTTPS from anywhere", _tcp(443, 443, v4=[ANYWHERE_V4], v6=[ANYWHERE_V6]))
    _group(ec2, vpc, "bastion-ssh", "SSH bastion open to the internet", _tcp(22, 22, v4=[ANYWHERE_V4]))
    # Its rule's description carries the markup too: the rule is the evidence of its 5.2 failure.
    legacy = _tcp(0, 65535, v4=[ANYWHERE_V4])
    legacy["IpRanges"][0]["Description"] = MARKUP
    _group(ec2, vpc, MARKUP_GROUP, MARKUP, legacy, name_tag=MARKUP)

    # The web subnets' ACL admits tcp from anywhere but denies SSH and RDP first (5.1 passes).
    web = _acl(ec2, vpc, "web-public")
    _entry(ec2, web, 10, "deny", "6", (22, 22), ANYWHERE_V4)
    _entry(ec2, web, 20, "deny", "6", (3389, 3389), ANYWHERE_V4)
    _entry(ec2, web, 100, "allow", "6", (0, 65535), ANYWHERE_V4)
    # A quick fix someone never reverted: everything in, over IPv4 and IPv6 (5.1 fails).
    open_all = _acl(ec2, vpc, "open-all")
    _entry(ec2, open_all, 100, "allow", "-1", None, ANYWHERE_V4)
    _entry(ec2, open_all, 101, "allow", "-1", None, ANYWHERE_V6)

    _instance(ec2, "api", HttpTokens="required")
    _instance(ec2, "legacy-app", HttpTokens="optional")


def _remote_desktop(ec2) -> None:
    """Windows hosts: RDP open over IPv6, SSH restricted to the office, default group emptied."""
    vpc = _default_vpc(ec2)
    _group(ec2, vpc, "rdp-jump", "RDP jump host", _tcp(3389, 3389, v6=[ANYWHERE_V6]))
    _group(ec2, vpc, "office-ssh", "SSH from the office", _tcp(22, 22, v4=["203.0.113.0/24"]))
    # SSH "from the partners' networks": a managed prefix list that someone widened to
    # 0.0.0.0/0 (5.2 fails through the list), and one that still holds only the partners.
    partners = _prefix_list(ec2, "partner-networks", "198.51.100.0/24", ANYWHERE_V4)
    vendors = _prefix_list(ec2, "vendor-networks", "192.0.2.0/24")
    _group(ec2, vpc, "partner-ssh", "SSH from partner networks", _from_list(22, partners))
    _group(ec2, vpc, "vendor-ssh", "SSH from vendor networks", _from_list(22, vendors))
    _empty_default_group(ec2, vpc)
    _instance(ec2, "batch", HttpTokens="optional", HttpEndpoint="disabled")


def _development(ec2) -> None:
    """A sandbox: a group open to all traffic, an unnamed IMDSv1 instance."""
    vpc = _default_vpc(ec2)
    _group(ec2, vpc, "dev-anything", "temporary: allow everything",
           {"IpProtocol": "-1", "IpRanges": [{"CidrIp": ANYWHERE_V4}]})
    _empty_default_group(ec2, vpc)
    _instance(ec2, None, HttpTokens="optional")
    _instance(ec2, "worker", HttpTokens="required")


# -- helpers --------------------------------------------------------------------

def _name(resource_type: str, name: str) -> list[dict]:
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}]}]


def _tcp(low: int, high: int, v4=(), v6=()) -> dict:
    return {
        "IpProtocol": "tcp", "FromPort": low, "ToPort": high,
        "IpRanges": [{"CidrIp": c} for c in v4], "Ipv6Ranges": [{"CidrIpv6": c} for c in v6],
    }


def _default_vpc(ec2) -> str:
    return ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]


def _default_group(ec2, vpc: str) -> dict:
    return ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]


def _restore_self_reference(ec2, vpc: str | None = None) -> None:
    """Give a default group the members-talk-to-each-other inbound rule AWS starts it with."""
    group = _default_group(ec2, vpc or _default_vpc(ec2))
    if not group["IpPermissions"]:
        ec2.authorize_security_group_ingress(
            GroupId=group["GroupId"],
            IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group["GroupId"]}]}],
        )


def _empty_default_group(ec2, vpc: str) -> None:
    group = _default_group(ec2, vpc)
    if group["IpPermissions"]:
        ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=group["IpPermissions"])
    if group["IpPermissionsEgress"]:
        ec2.revoke_security_group_egress(GroupId=group["GroupId"], IpPermissions=group["IpPermissionsEgress"])


def _group(ec2, vpc: str, name: str, description: str, *permissions: dict, name_tag: str | None = None) -> str:
    group_id = ec2.create_security_group(
        GroupName=name, Description=description, VpcId=vpc,
        TagSpecifications=_name("security-group", name_tag or name),
    )["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=list(permissions))
    return group_id


def _prefix_list(ec2, name: str, *cidrs: str) -> str:
    return ec2.create_managed_prefix_list(
        PrefixListName=name, MaxEntries=10, AddressFamily="IPv4", Entries=[{"Cidr": c} for c in cidrs],
    )["PrefixList"]["PrefixListId"]


def _from_list(port: int, prefix_list: str) -> dict:
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "PrefixListIds": [{"PrefixListId": prefix_list}]}


def _acl(ec2, vpc: str, name: str) -> str:
    return ec2.create_network_acl(VpcId=vpc, TagSpecifications=_name("network-acl", name))["NetworkAcl"]["NetworkAclId"]


def _entry(ec2, acl: str, number: int, action: str, protocol: str, ports: tuple[int, int] | None, source: str) -> None:
    params = dict(NetworkAclId=acl, RuleNumber=number, Protocol=protocol, RuleAction=action, Egress=False)
    params["Ipv6CidrBlock" if ":" in source else "CidrBlock"] = source
    if ports:
        params["PortRange"] = {"From": ports[0], "To": ports[1]}
    ec2.create_network_acl_entry(**params)


def _instance(ec2, name: str | None, **metadata: str) -> str:
    params = dict(ImageId=IMAGE, MinCount=1, MaxCount=1, InstanceType="t3.micro", MetadataOptions=metadata)
    if name:
        params["TagSpecifications"] = _name("instance", name)
    return ec2.run_instances(**params)["Instances"][0]["InstanceId"]
