"""v7.0.0's resource controls, both sides on every resource type, against in-process moto:
2.21 resources open to everyone, 4.10 access logging, 6.8 VPC endpoints."""
from __future__ import annotations

import json
import shlex

from pytest_cis_aws.demo.seed.later_versions import (
    cloudwatch_delivery, distribution, front_ends, internet_vpc, public_and_limited_resources, routed, vpc_with_subnets,
)
from tests.harness import A, B
from tests.refusals import Refuse

V7 = ["--cis-benchmark", "7.0.0"]
REGION = "us-east-1"
OPEN = 'Principal "*" and no condition limits it'


def outcome(run, control, label_end, **where):
    found = [f for f in run.of(control, **where) if f.test_id.endswith(f"-{label_end}]")]
    assert len(found) == 1, f"{control} {label_end}: {[(f.test_id, f.status) for f in run.of(control)]}"
    return found[0].status, found[0].message


def test_2_21_each_resource_type_public_and_limited(audit, moto):
    public_and_limited_resources(moto, A, REGION)
    run = audit("2.21", accounts=[A], regions=[REGION], args=V7)
    key = next(f for f in run.of("2.21") if "key/" in f.test_id and f.status == "FAIL")
    assert {label: outcome(run, "2.21", label) for label in (
        f"bucket/public-drop-{A}", f"bucket/org-share-{A}", "queue/orders-intake", "queue/orders-internal",
        "topic/public-feed", "topic/internal-events", "function/public-hook", "function/thumbnailer",
        "secret/api-token", "secret/db-password", "event-bus/partner-bus", "event-bus/orders-bus",
        "vault/archive-open", "vault/archive-org")} == {
        f"bucket/public-drop-{A}": ("FAIL", f"S3 bucket public-drop-{A} is open to everyone: statement PublicRead "
                                            f"(s3:GetObject; {OPEN})"),
        f"bucket/org-share-{A}": ("PASS", ""),
        "queue/orders-intake": ("FAIL", f"SQS queue orders-intake is open to everyone: statement Send (sqs:SendMessage; {OPEN})"),
        "queue/orders-internal": ("PASS", ""),
        "topic/public-feed": ("FAIL", "SNS topic public-feed is open to everyone: statement AnyoneSubscribes "
                                      f"(SNS:Subscribe, SNS:Receive; {OPEN})"),
        "topic/internal-events": ("PASS", ""),  # SNS's default policy: everyone, limited by AWS:SourceOwner
        "function/public-hook": ("FAIL", "Lambda function public-hook is open to everyone: statement AnyoneInvokes "
                                         f"(lambda:InvokeFunction; {OPEN})"),
        "function/thumbnailer": ("PASS", ""),  # granted to the S3 service, not to everyone
        "secret/api-token": ("FAIL", "Secrets Manager secret api-token is open to everyone: statement Read "
                                     f"(secretsmanager:GetSecretValue; {OPEN})"),
        "secret/db-password": ("PASS", ""),
        "event-bus/partner-bus": ("FAIL", "EventBridge event bus partner-bus is open to everyone: statement PutEvents "
                                          f"(events:PutEvents; {OPEN})"),
        "event-bus/orders-bus": ("PASS", ""),
        "vault/archive-open": ("FAIL", "Glacier vault archive-open is open to everyone: statement Retrieve "
                                       f"(glacier:InitiateJob; {OPEN})"),
        "vault/archive-org": ("PASS", ""),
    }
    assert key.message.endswith('is open to everyone: statement AnyoneDecrypts (kms:Decrypt; Principal {"AWS": "*"} '
                                "and no condition limits it)")
    # The default event bus takes a policy but has none: a unit that passes, saying so.
    assert outcome(run, "2.21", "event-bus/default") == ("PASS", "EventBridge event bus default has no resource policy")
    assert run.one("2.21", resource=f"arn:aws:events:{REGION}:{A}:event-bus/default").evidence == [
        {"source": "events:ListEventBuses", "fields": {"statements": 0}}]
    assert key.evidence == [{"source": "kms:GetKeyPolicy", "fields": {"statements": 2, "public_statements": [
        {"statement": "AnyoneDecrypts", "opens": "kms:Decrypt", "why": 'Principal {"AWS": "*"} and no condition limits it'}]}}]
    assert run.one("2.21", resource=f"arn:aws:s3:::org-share-{A}").evidence == [
        {"source": "s3:GetBucketPolicy", "fields": {"statements": 1, "public_statements": []}}]


def test_2_21_a_policy_that_cannot_be_read_is_an_error(audit, moto):
    public_and_limited_resources(moto, A, REGION)
    run = audit("2.21", accounts=[A], regions=[REGION], args=V7, plugins=[Refuse(A, ("lambda", "GetPolicy"))])
    status, message = outcome(run, "2.21", "function/public-hook")
    assert status == "ERROR"
    assert message.startswith(f"lambda:GetPolicy failed in account {A}, region {REGION}: AccessDenied")
    assert outcome(run, "2.21", "queue/orders-intake")[0] == "FAIL"  # the other kinds are unaffected


def test_4_10_each_front_end_with_logging_on_and_off(audit, moto):
    front_ends(moto, A, REGION)
    run = audit("4.10", accounts=[A], regions=[REGION], args=V7)
    distributions = {f.message or f.status: f for f in run.of("4.10") if "distribution/" in f.test_id}
    logged_to_s3 = next(f for f in run.of("4.10") if "distribution/" in f.test_id and "S3 bucket" in f.message)
    assert logged_to_s3.status == "PASS" and logged_to_s3.message.endswith(f"logs its requests to S3 bucket web-logs-{A}.s3.amazonaws.com")
    delivered = [f for f in distributions.values() if "CWL" in f.message]
    assert len(delivered) == 1 and delivered[0].status == "PASS"
    assert delivered[0].message.endswith(f"logs its requests to CWL arn:aws:logs:us-east-1:{A}:delivery-destination:media-access-group")
    unlogged = [f for f in run.of("4.10") if "distribution/" in f.test_id and f.status == "FAIL"]
    assert len(unlogged) == 1 and unlogged[0].message == f"CloudFront distribution {unlogged[0].resource.rsplit('/', 1)[1]} has access logging off"
    assert unlogged[0].region == "global"

    assert outcome(run, "4.10", "load-balancer/shop-alb") == (
        "PASS", f"Application Load Balancer shop-alb logs its requests to S3 bucket web-logs-{A}")
    assert outcome(run, "4.10", "load-balancer/internal-alb") == ("FAIL", "Application Load Balancer internal-alb has access logging off")
    assert outcome(run, "4.10", "load-balancer/ingest-nlb") == (
        "PASS", f"Network Load Balancer ingest-nlb logs its requests to S3 bucket web-logs-{A}")
    assert outcome(run, "4.10", "load-balancer/legacy-nlb") == ("FAIL", "Network Load Balancer legacy-nlb has access logging off")
    assert run.of("4.10", resource=run.of("4.10")[0].resource)  # every unit names its resource
    rest = {f.test_id.rsplit("/", 1)[1].rstrip("]"): f for f in run.of("4.10") if "rest-api-stage/" in f.test_id}
    api = rest["prod"].resource.split("/")[2]
    assert (rest["prod"].status, rest["prod"].message) == (
        "PASS", f"REST API orders-api ({api}) stage prod logs its requests to log group "
                f"arn:aws:logs:us-east-1:{A}:log-group:/apigateway/orders-api")
    assert (rest["dev"].status, rest["dev"].message) == ("FAIL", f"REST API orders-api ({api}) stage dev has access logging off")
    assert rest["dev"].resource == f"arn:aws:apigateway:us-east-1::/restapis/{api}/stages/dev"
    http = {f.test_id.rsplit("/", 1)[1].rstrip("]"): f for f in run.of("4.10") if "http-api-stage/" in f.test_id}
    api = http["prod"].resource.split("/")[2]
    assert (http["prod"].status, http["$default"].status) == ("PASS", "FAIL")
    assert http["$default"].message == f"HTTP API webhooks ({api}) stage $default has access logging off"
    assert http["$default"].evidence == [{"source": "apigateway:GET",
                                          "fields": {"stage": "$default", "access_log_destination": None}}]


def test_4_10_unreadable_attributes_are_an_error_for_that_load_balancer(audit, moto):
    front_ends(moto, A, REGION)
    run = audit("4.10", accounts=[A], regions=[REGION], args=V7,
                plugins=[Refuse(A, ("elbv2", "DescribeLoadBalancerAttributes"))])
    status, message = outcome(run, "4.10", "load-balancer/shop-alb")
    assert status == "ERROR" and message.startswith(
        f"elasticloadbalancing:DescribeLoadBalancerAttributes failed in account {A}, region {REGION}: AccessDenied")


def test_6_8_internet_routed_subnets_with_and_without_an_s3_gateway_endpoint(audit, moto):
    app = internet_vpc(moto, A, REGION, "10.60.0.0/16", "app", endpoints=True)
    legacy = internet_vpc(moto, A, REGION, "10.61.0.0/16", "legacy", endpoints=False)
    ec2 = moto.client("ec2", A, REGION)
    # Only DynamoDB's endpoint: S3 still goes over the internet.
    half, (subnet, _) = vpc_with_subnets(ec2, "10.62.0.0/16", "half")
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=half)
    table = routed(ec2, half, subnet, GatewayId=gateway)
    dynamodb = ec2.create_vpc_endpoint(VpcId=half, VpcEndpointType="Gateway", ServiceName=f"com.amazonaws.{REGION}.dynamodb",
                                       RouteTableIds=[table])["VpcEndpoint"]["VpcEndpointId"]
    isolated, _ = vpc_with_subnets(ec2, "10.63.0.0/16", "isolated")
    run = audit("6.8", accounts=[A], regions=[REGION], args=V7)

    endpoints = {e["ServiceName"].rsplit(".", 1)[1]: e for e in ec2.describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [app]}])["VpcEndpoints"]}
    tables = ", ".join(sorted(endpoints["s3"]["RouteTableIds"]))
    status, message = outcome(run, "6.8", f"vpc/{app}")
    assert status == "PASS"
    assert message == (f"VPC {app} (app): every subnet that routes to the internet has an S3 gateway endpoint route; "
                       f"endpoints: dynamodb gateway endpoint {endpoints['dynamodb']['VpcEndpointId']} (route tables {tables}), "
                       f"s3 gateway endpoint {endpoints['s3']['VpcEndpointId']} (route tables {tables})")
    status, message = outcome(run, "6.8", f"vpc/{legacy}")
    assert status == "FAIL"
    assert message.startswith(f"VPC {legacy} (legacy) reaches S3 over the internet, with no S3 gateway endpoint routed "
                              "from, and no S3 interface endpoint in, subnet subnet-")
    assert "0.0.0.0/0 to internet gateway igw-" in message and "0.0.0.0/0 to NAT gateway nat-" in message
    assert outcome(run, "6.8", f"vpc/{half}") == ("FAIL", (
        f"VPC {half} (half) reaches S3 over the internet, with no S3 gateway endpoint routed from, and no S3 interface "
        f"endpoint in, subnet {subnet} "
        f"(route table {table}: 0.0.0.0/0 to internet gateway {gateway})"))
    assert run.one("6.8", resource=f"arn:aws:ec2:{REGION}:{A}:vpc/{half}").evidence[1] == {
        "source": "ec2:DescribeVpcEndpoints", "fields": {"endpoints": [f"dynamodb gateway endpoint {dynamodb} (route tables {table})"]}}
    assert outcome(run, "6.8", f"vpc/{isolated}") == (
        "PASS", f"VPC {isolated} (isolated): no subnet routes to the internet; endpoints: none")


def test_6_8_an_s3_interface_endpoint_in_the_internet_routed_subnet(audit, moto):
    # AWS: an S3 interface endpoint puts a network interface in each of its subnets, so a subnet
    # holding one reaches S3 inside the VPC; a subnet it is not in still goes over the internet.
    ec2 = moto.client("ec2", A, REGION)
    vpcs = {}
    for cidr, name in (("10.64.0.0/16", "covered"), ("10.65.0.0/16", "elsewhere")):
        vpc, (public, other) = vpc_with_subnets(ec2, cidr, name)
        gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
        table = routed(ec2, vpc, public, GatewayId=gateway)
        endpoint = ec2.create_vpc_endpoint(
            VpcId=vpc, VpcEndpointType="Interface", ServiceName=f"com.amazonaws.{REGION}.s3",
            SubnetIds=[public if name == "covered" else other])["VpcEndpoint"]["VpcEndpointId"]
        vpcs[name] = (vpc, public, other, table, gateway, endpoint)
    run = audit("6.8", accounts=[A], regions=[REGION], args=V7)

    vpc, public, _, _, _, endpoint = vpcs["covered"]
    assert outcome(run, "6.8", f"vpc/{vpc}") == ("PASS", (
        f"VPC {vpc} (covered): every subnet that routes to the internet has an S3 gateway endpoint route or an S3 "
        f"interface endpoint in it; endpoints: s3 interface endpoint {endpoint} (subnets {public})"))
    vpc, public, _, table, gateway, _ = vpcs["elsewhere"]
    assert outcome(run, "6.8", f"vpc/{vpc}") == ("FAIL", (
        f"VPC {vpc} (elsewhere) reaches S3 over the internet, with no S3 gateway endpoint routed from, and no S3 "
        f"interface endpoint in, subnet {public} (route table {table}: 0.0.0.0/0 to internet gateway {gateway})"))


def test_6_8_unreadable_route_tables_are_an_error(audit, moto):
    internet_vpc(moto, A, REGION, "10.61.0.0/16", "legacy", endpoints=False)
    run = audit("6.8", accounts=[A], regions=[REGION], args=V7, plugins=[Refuse(A, ("ec2", "DescribeRouteTables"))])
    assert {f.status for f in run.of("6.8")} == {"ERROR"}
    assert run.of("6.8")[0].message.startswith(f"ec2:DescribeRouteTables failed in account {A}, region {REGION}: AccessDenied")


def test_each_kind_of_resource_gets_its_own_fix():
    from pytest_cis_aws import registry
    from pytest_cis_aws.collectors.access_logs import FrontEnd
    from pytest_cis_aws.collectors.resource_policies import PolicyHolder
    from pytest_cis_aws.report.view import fill_fix

    # A public policy's fix is built from the policy itself (plugin/pytest_cis_aws/fixes/resource_policies.py).
    from pytest_cis_aws import fixes

    public = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"},
        {"Sid": "Mine", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"}, "Action": "sqs:*",
         "Resource": "*"}]})
    control, logging = registry.by_id("7.0.0")["2.21"], registry.by_id("7.0.0")["4.10"].fix
    queue = PolicyHolder(account=A, region="eu-west-1", resource=f"arn:aws:sqs:eu-west-1:{A}:orders", label="queue/orders",
                         kind="SQS queue", name="orders", policy=public, source="sqs:GetQueueAttributes")
    fix = fixes.build(control, queue)
    assert fix.runs_as_shown and fix.command.startswith(
        f"aws sqs set-queue-attributes --region eu-west-1 --queue-url https://sqs.eu-west-1.amazonaws.com/{A}/orders "
        "--attributes ")
    kept = json.loads(json.loads(shlex.split(fix.command)[-1])["Policy"])
    assert [s["Sid"] for s in kept["Statement"]] == ["Mine"]
    function = PolicyHolder(account=A, region=REGION, resource="arn", label="function/hook", kind="Lambda function",
                            name="hook", policy=public, source="lambda:GetPolicy")
    assert fixes.build(control, function).command == (
        f"aws lambda remove-permission --region {REGION} --function-name hook --statement-id Open")
    stage = FrontEnd(account=A, region=REGION, resource="arn", label="http-api-stage/a1/$default", kind="HTTP API",
                     name="$default", destinations=(), source="apigateway:GET", id="a1", stage="$default")
    assert fill_fix(logging, stage).startswith(  # a stage named by AWS's $default is quoted for the shell
        f"aws apigatewayv2 update-stage --region {REGION} --api-id a1 --stage-name '$default' --access-log-settings ")
    balancer = FrontEnd(account=A, region=REGION, resource="arn:aws:elasticloadbalancing:x", label="load-balancer/web",
                        kind="Application Load Balancer", name="web", destinations=(), source="x")
    assert fill_fix(logging, balancer).startswith(
        f"aws elbv2 modify-load-balancer-attributes --region {REGION} --load-balancer-arn arn:aws:elasticloadbalancing:x ")


def test_only_what_the_selected_v7_control_needs_is_read(audit, moto, tmp_path):
    from tests.trust.matrix import operations_called

    internet_vpc(moto, A, REGION, "10.61.0.0/16", "legacy", endpoints=False)
    recorded = tmp_path / "snapshot.json"
    audit("6.8", accounts=[A], regions=[REGION], args=[*V7, "--aws-snapshot-out", str(recorded)])
    assert {(op.service, op.name) for op in operations_called(recorded)} == {
        ("ec2", "DescribeRegions"), ("ec2", "DescribeVpcs"), ("ec2", "DescribeSubnets"), ("ec2", "DescribeRouteTables"),
        ("ec2", "DescribeVpcEndpoints")}
    # Under v2.0.0, no read of v7.0.0's services at all; Organizations only to look for an
    # organization analyzer covering an account-region with none of its own (1.20).
    recorded = tmp_path / "v2.json"
    audit(accounts=[A], regions=[REGION], args=["--aws-snapshot-out", str(recorded)])
    operations = {(op.service, op.name) for op in operations_called(recorded)}
    assert {service for service, _ in operations} & {"sqs", "lambda", "secretsmanager", "events", "glacier", "cloudfront",
                                                   "elbv2", "apigateway", "apigatewayv2"} == set()
    assert {name for service, name in operations if service == "organizations"} == {"DescribeOrganization"}


def test_2_21_resources_without_a_policy_are_units_that_pass(audit, moto):
    # AWS: a bucket, queue, secret or vault has no policy until one is put; the default event bus neither.
    moto.client("s3", A, REGION).create_bucket(Bucket=f"plain-{A}")
    moto.client("sqs", A, REGION).create_queue(QueueName="plain-queue")
    moto.client("secretsmanager", A, REGION).create_secret(Name="plain-secret", SecretString="x")
    moto.client("glacier", A, REGION).create_vault(vaultName="plain-vault")
    run = audit("2.21", accounts=[A], regions=[REGION], args=V7)

    assert {label: outcome(run, "2.21", label) for label in (
        f"bucket/plain-{A}", "queue/plain-queue", "secret/plain-secret", "vault/plain-vault", "event-bus/default")} == {
        f"bucket/plain-{A}": ("PASS", f"S3 bucket plain-{A} has no resource policy"),
        "queue/plain-queue": ("PASS", "SQS queue plain-queue has no resource policy"),
        "secret/plain-secret": ("PASS", "Secrets Manager secret plain-secret has no resource policy"),
        "vault/plain-vault": ("PASS", "Glacier vault plain-vault has no resource policy"),
        "event-bus/default": ("PASS", "EventBridge event bus default has no resource policy"),
    }
    assert "Resources scanned: 5" in run.output  # every resource looked at is counted
