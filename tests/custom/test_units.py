"""Unit sources with no collector: resources(...) over global and regional listings
(a JMESPath to the items, an ARN field or template, the call's parameters), regions, and
the aws fixture's view of the unit's account and regions."""
from __future__ import annotations

import textwrap

from tests.custom.estate import IMAGE, REGIONS, audit_examples
from tests.harness import A, B

MINE = '''
    from pytest_cis_aws.api import custom_control, regions, resources

    users = resources("iam", "ListUsers", "Users", kind="user", name="UserName", arn="Arn")
    web_groups = resources("ec2", "DescribeSecurityGroups", "SecurityGroups", kind="security-group", name="GroupId",
                           arn="arn:aws:ec2:{region}:{account}:security-group/{GroupId}",
                           Filters=[{"Name": "group-name", "Values": ["web"]}])
    instances = resources("ec2", "DescribeInstances", "Reservations[].Instances[]", kind="instance", name="InstanceId")

    @custom_control("UNIT.1", units=users, title="Users carry a team tag", section="Units")
    def test_unit_1_user_team_tag(user, aws):
        tags = aws.client("iam").list_user_tags(UserName=user.name)["Tags"]
        assert any(tag["Key"] == "team" for tag in tags), f"IAM user {user.name} has no team tag"

    @custom_control("UNIT.2", units=web_groups, title="Web groups are described")
    def test_unit_2_web_group_described(group):
        assert group["Description"] != "temporary", f"security group {group.name} is temporary"

    @custom_control("UNIT.3", units=instances, title="Instances are t3.micro")
    def test_unit_3_instance_type(instance):
        assert instance.get("InstanceType") == "t3.micro", f"instance {instance.name} is {instance['InstanceType']}"

    @custom_control("UNIT.4", units=regions, title="The fixture sees the unit's account and regions")
    def test_unit_4_view(region, aws):
        assert (aws.account, aws.region, aws.regions) == (region.account, region.region, ("eu-west-1", "us-east-1"))
'''


def test_resources_regions_and_the_fixture(audit, moto, pytester):
    iam = moto.client("iam", A)
    for name, tags in (("alice", [{"Key": "team", "Value": "data"}]), ("bob", [])):
        iam.create_user(UserName=name, Tags=tags)
    groups = {}
    for account, region, description in ((A, "eu-west-1", "HTTPS in"), (B, "us-east-1", "temporary")):
        ec2 = moto.client("ec2", account, region)
        vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        groups[account] = ec2.create_security_group(GroupName="web", Description=description, VpcId=vpc)["GroupId"]
        ec2.create_security_group(GroupName="other", Description="not listed", VpcId=vpc)
    instance = moto.client("ec2", B, "eu-west-1").run_instances(
        ImageId=IMAGE, MinCount=1, MaxCount=1, InstanceType="m5.large")["Instances"][0]["InstanceId"]
    mine = pytester.mkpydir("mine")
    (mine / "test_units.py").write_text(textwrap.dedent(MINE))
    run = audit_examples(audit, "UNIT.*", args=[str(mine)])

    assert [(f.test_id.split("[")[1][:-1], f.resource, f.status, f.message) for f in run.of("UNIT.1")] == [
        (f"{A}-global-user/alice", f"arn:aws:iam::{A}:user/alice", "PASS", ""),
        (f"{A}-global-user/bob", f"arn:aws:iam::{A}:user/bob", "FAIL", "IAM user bob has no team tag"),
    ]
    assert [(f.account, f.region, f.resource, f.status, f.message) for f in run.of("UNIT.2")] == [
        (A, "eu-west-1", f"arn:aws:ec2:eu-west-1:{A}:security-group/{groups[A]}", "PASS", ""),
        (B, "us-east-1", f"arn:aws:ec2:us-east-1:{B}:security-group/{groups[B]}", "FAIL",
         f"security group {groups[B]} is temporary"),
    ]
    # No ARN given: the resource is its account.
    assert [(f.test_id.split("[")[1][:-1], f.resource, f.status, f.message) for f in run.of("UNIT.3")] == [
        (f"{B}-eu-west-1-instance/{instance}", B, "FAIL", f"instance {instance} is m5.large")]
    assert run.statuses("UNIT.4") == {f"{account}-{region}": "PASS" for account in (A, B) for region in REGIONS}
