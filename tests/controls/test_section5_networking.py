"""Section 5 controls, both sides of each, against in-process moto.

moto gives every account a default VPC in every region, with its default network
ACL (allow all inbound at rule 100) and default security group; the tests count
those units too, as a real audit would.
"""

from pytest_cis_aws.aws.errors import AwsCallError
from pytest_cis_aws.registry import by_id
from tests.harness import A, B
from tests.refusals import Refuse

REGION = "us-east-1"
MARKUP = "<img src=x onerror=alert(1)>"


def default_vpc(ec2) -> str:
    return ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]


def default_group(ec2, vpc_id) -> str:
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    return groups[0]["GroupId"]


def default_acl(ec2, vpc_id) -> str:
    acls = ec2.describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "default", "Values": ["true"]}]
    )["NetworkAcls"]
    return acls[0]["NetworkAclId"]


def tags(resource_type, name):
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}]}]


def acl_entry(ec2, acl, number, action, protocol, ports=None, ipv4=None, ipv6=None):
    params = dict(NetworkAclId=acl, RuleNumber=number, Protocol=protocol, RuleAction=action, Egress=False)
    if ports:
        params["PortRange"] = {"From": ports[0], "To": ports[1]}
    if ipv4:
        params["CidrBlock"] = ipv4
    if ipv6:
        params["Ipv6CidrBlock"] = ipv6
    ec2.create_network_acl_entry(**params)


def group(ec2, vpc, name, *permissions, name_tag=None, description="test group"):
    params = dict(GroupName=name, Description=description, VpcId=vpc)
    if name_tag:
        params["TagSpecifications"] = tags("security-group", name_tag)
    group_id = ec2.create_security_group(**params)["GroupId"]
    if permissions:
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=list(permissions))
    return group_id


def tcp(low, high, ipv4=(), ipv6=()):
    return {
        "IpProtocol": "tcp", "FromPort": low, "ToPort": high,
        "IpRanges": [{"CidrIp": c} for c in ipv4], "Ipv6Ranges": [{"CidrIpv6": c} for c in ipv6],
    }


# -- 5.1 ----------------------------------------------------------------------

def test_5_1_acls_first_match_by_rule_number_and_denied_listing_is_an_error(audit, moto):
    ec2 = moto.client("ec2", A, REGION)
    vpc = default_vpc(ec2)
    # A web subnet ACL: all tcp from the internet, but SSH and RDP denied first.
    protected = ec2.create_network_acl(VpcId=vpc, TagSpecifications=tags("network-acl", "web"))["NetworkAcl"]["NetworkAclId"]
    acl_entry(ec2, protected, 100, "allow", "6", (0, 65535), ipv4="0.0.0.0/0")
    acl_entry(ec2, protected, 10, "deny", "6", (22, 22), ipv4="0.0.0.0/0")
    acl_entry(ec2, protected, 20, "deny", "6", (3389, 3389), ipv4="0.0.0.0/0")
    acl_entry(ec2, protected, 30, "allow", "6", (22, 22), ipv4="10.0.0.0/8")  # narrow: not the internet
    # A bastion ACL: SSH from any IPv6 address; a deny after it protects nothing.
    bastion = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    acl_entry(ec2, bastion, 120, "allow", "6", (22, 22), ipv6="::/0")
    acl_entry(ec2, bastion, 130, "deny", "-1", ipv6="::/0")
    moto.client("ec2", B, REGION)

    run = audit("5.1", accounts=[A, B], plugins=[Refuse(B, ("ec2", "DescribeNetworkAcls"), code="UnauthorizedOperation", message="You are not authorized to perform this operation.")])

    assert run.statuses("5.1") == {
        f"{A}-{REGION}-network-acl/{default_acl(ec2, vpc)}": "FAIL",
        f"{A}-{REGION}-network-acl/{protected}": "PASS",
        f"{A}-{REGION}-network-acl/{bastion}": "FAIL",
        f"{B}-{REGION}-network-acls": "ERROR",
    }
    assert run.one("5.1", resource=f"arn:aws:ec2:{REGION}:{A}:network-acl/{default_acl(ec2, vpc)}").message == (
        f"network ACL {default_acl(ec2, vpc)} allows "
        "0.0.0.0/0 to port 22 over tcp and udp (rule 100: all traffic), "
        "0.0.0.0/0 to port 3389 over tcp and udp (rule 100: all traffic)"
    )
    assert run.one("5.1", resource=f"arn:aws:ec2:{REGION}:{A}:network-acl/{bastion}").message == (
        f"network ACL {bastion} allows ::/0 to port 22 over tcp (rule 120: tcp 22)"
    )
    assert run.one("5.1", resource=f"arn:aws:ec2:{REGION}:{A}:network-acl/{protected}").message == ""
    denied = AwsCallError(B, REGION, "ec2", "DescribeNetworkAcls", "UnauthorizedOperation",
                          "You are not authorized to perform this operation.")
    assert run.one("5.1", account=B).message == str(denied)


# -- 5.2 and 5.3 ------------------------------------------------------------

def test_5_2_and_5_3_open_admin_ports_per_address_family(audit, moto):
    ec2 = moto.client("ec2", A, REGION)
    vpc = default_vpc(ec2)
    web = group(ec2, vpc, "web", tcp(0, 65535, ipv4=["0.0.0.0/0"]), name_tag=MARKUP, description=MARKUP)
    rdp = group(ec2, vpc, "rdp-v6", tcp(3389, 3389, ipv6=["::/0"]), name_tag="rdp-v6")
    office = group(ec2, vpc, "office", tcp(22, 22, ipv4=["203.0.113.0/24"]), tcp(443, 443, ipv4=["0.0.0.0/0"], ipv6=["::/0"]))
    default = default_group(ec2, vpc)

    run = audit("5.2", "5.3", accounts=[A])

    expected = {
        f"{A}-{REGION}-security-group/{web}": ("FAIL", "PASS"),
        f"{A}-{REGION}-security-group/{rdp}": ("PASS", "FAIL"),
        f"{A}-{REGION}-security-group/{office}": ("PASS", "PASS"),
        f"{A}-{REGION}-security-group/{default}": ("PASS", "PASS"),
    }
    assert run.statuses("5.2") == {unit: statuses[0] for unit, statuses in expected.items()}
    assert run.statuses("5.3") == {unit: statuses[1] for unit, statuses in expected.items()}
    assert run.one("5.2", status="FAIL").message == (
        f"security group {web} (web, Name tag {MARKUP}) allows 0.0.0.0/0 to port 22 (tcp 0-65535) and port 3389 (tcp 0-65535)"
    )
    assert run.one("5.3", status="FAIL").message == f"security group {rdp} (rdp-v6) allows ::/0 to port 3389 (tcp 3389)"
    assert {f.message for f in run.of("5.2", status="PASS") + run.of("5.3", status="PASS")} == {""}


def prefix_list(ec2, name, family, *cidrs):
    return ec2.create_managed_prefix_list(
        PrefixListName=name, MaxEntries=5, AddressFamily=family, Entries=[{"Cidr": c} for c in cidrs],
    )["PrefixList"]["PrefixListId"]


def from_lists(port, *lists):
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "PrefixListIds": [{"PrefixListId": i} for i in lists]}


def test_5_2_and_5_3_rules_naming_a_prefix_list_are_expanded(audit, moto):
    ec2 = moto.client("ec2", A, REGION)
    vpc = default_vpc(ec2)
    anywhere = prefix_list(ec2, "anywhere", "IPv4", "198.51.100.0/24", "0.0.0.0/0")
    anywhere_v6 = prefix_list(ec2, "anywhere-v6", "IPv6", "::/0")
    office = prefix_list(ec2, "office", "IPv4", "203.0.113.0/24")
    ssh = group(ec2, vpc, "ssh-from-list", from_lists(22, anywhere))
    rdp = group(ec2, vpc, "rdp-from-list", from_lists(3389, office, anywhere_v6))
    narrow = group(ec2, vpc, "office-only", from_lists(22, office))
    # B: the list a group names cannot be read: the group is an ERROR for 5.2 and 5.3, never a pass
    other = moto.client("ec2", B, REGION)
    hidden = prefix_list(other, "hidden", "IPv4", "0.0.0.0/0")
    unread = group(other, default_vpc(other), "unread", from_lists(22, hidden))
    refuse = Refuse(B, ("ec2", "GetManagedPrefixListEntries"), code="UnauthorizedOperation", message="denied by the test")

    run = audit("5.2", "5.3", "5.4", accounts=[A, B], plugins=[refuse])

    def found(control, group_id, account=A):
        finding = run.one(control, resource=f"arn:aws:ec2:{REGION}:{account}:security-group/{group_id}")
        return finding.status, finding.message

    assert found("5.2", ssh) == (
        "FAIL", f"security group {ssh} (ssh-from-list) allows 0.0.0.0/0 to port 22 (tcp 22, through prefix list {anywhere})"
    )
    assert found("5.3", ssh) == ("PASS", "")
    assert found("5.2", rdp) == ("PASS", "")
    assert found("5.3", rdp) == (
        "FAIL", f"security group {rdp} (rdp-from-list) allows ::/0 to port 3389 (tcp 3389, through prefix list {anywhere_v6})"
    )
    assert found("5.2", narrow) == found("5.3", narrow) == ("PASS", "")
    denied = str(AwsCallError(B, REGION, "ec2", "GetManagedPrefixListEntries", "UnauthorizedOperation", "denied by the test"))
    assert found("5.2", unread, B) == found("5.3", unread, B) == ("ERROR", denied)
    # 5.4 counts rules as AWS lists them, and needs no prefix list
    assert run.one("5.4", account=B).status == "FAIL"


# -- 5.4 and 5.5 ---------------------------------------------------------------

def test_5_4_default_group_of_each_vpc_must_be_empty_and_5_5_is_manual_per_account(audit, moto):
    ec2 = moto.client("ec2", A, REGION)
    untouched_vpc = default_vpc(ec2)  # moto's default group: allow-all outbound only
    as_created_vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    emptied_vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    untouched, as_created, emptied = (default_group(ec2, v) for v in (untouched_vpc, as_created_vpc, emptied_vpc))
    # A real default group starts with a self-referencing inbound rule.
    ec2.authorize_security_group_ingress(GroupId=as_created, IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": as_created}]}])
    outbound = ec2.describe_security_groups(GroupIds=[emptied])["SecurityGroups"][0]["IpPermissionsEgress"]
    ec2.revoke_security_group_egress(GroupId=emptied, IpPermissions=outbound)
    group(ec2, emptied_vpc, "app", tcp(443, 443, ipv4=["10.0.0.0/8"]))  # not a default group: no 5.4 unit
    other = moto.client("ec2", B, REGION)
    other_vpc = default_vpc(other)
    other_group = default_group(other, other_vpc)

    run = audit("5.4", "5.5", accounts=[A, B])

    assert run.statuses("5.4") == {
        f"{A}-{REGION}-security-group/{untouched}": "FAIL",
        f"{A}-{REGION}-security-group/{as_created}": "FAIL",
        f"{A}-{REGION}-security-group/{emptied}": "PASS",
        f"{B}-{REGION}-security-group/{other_group}": "FAIL",
    }
    by_resource = {f.resource.rsplit("/", 1)[1]: f.message for f in run.of("5.4")}
    assert by_resource == {
        untouched: f"default security group {untouched} of {untouched_vpc} allows traffic: 0 rules inbound, 1 rule outbound",
        as_created: f"default security group {as_created} of {as_created_vpc} allows traffic: 1 rule inbound, 1 rule outbound",
        emptied: "",
        other_group: f"default security group {other_group} of {other_vpc} allows traffic: 0 rules inbound, 1 rule outbound",
    }
    # 5.5: whether a peering route is narrow enough is a judgement: one manual check per account.
    assert run.statuses("5.5") == {f"{A}-global-account": "MANUAL", f"{B}-global-account": "MANUAL"}
    guidance = by_id()["5.5"].manual_check
    assert guidance.startswith("in each region, list the route tables with a route to a VPC peering connection")
    assert {f.message for f in run.of("5.5")} == {guidance}


# -- 5.6 ----------------------------------------------------------------------

def test_5_6_instances_must_refuse_imdsv1(audit, moto):
    ec2 = moto.client("ec2", A, REGION)

    def launch(name=None, **metadata):
        params = dict(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, MetadataOptions=metadata)
        if name:
            params["TagSpecifications"] = tags("instance", name)
        return ec2.run_instances(**params)["Instances"][0]["InstanceId"]

    required = launch("api", HttpTokens="required")
    legacy = launch("legacy-app", HttpTokens="optional")
    unnamed = launch(HttpTokens="optional")
    disabled = launch("batch", HttpTokens="optional", HttpEndpoint="disabled")
    gone = launch("old", HttpTokens="optional")
    ec2.terminate_instances(InstanceIds=[gone])

    run = audit("5.6", accounts=[A])

    assert run.statuses("5.6") == {
        f"{A}-{REGION}-instance/{required}": "PASS",
        f"{A}-{REGION}-instance/{legacy}": "FAIL",
        f"{A}-{REGION}-instance/{unnamed}": "FAIL",
        f"{A}-{REGION}-instance/{disabled}": "PASS",
    }
    by_resource = {f.resource.rsplit("/", 1)[1]: f.message for f in run.of("5.6")}
    assert by_resource == {
        required: "",
        legacy: f"instance {legacy} (legacy-app) accepts IMDSv1 (HttpTokens optional, endpoint enabled)",
        unnamed: f"instance {unnamed} accepts IMDSv1 (HttpTokens optional, endpoint enabled)",
        disabled: "",
    }
