"""Demo estate for the controls v7.0.0 adds: each shows both outcomes on each resource type.

* 2.21, resources open to everyone: per kind (S3 bucket, SQS queue, SNS topic, Lambda
  function, KMS key, Secrets Manager secret, EventBridge bus, Glacier vault) one resource
  whose policy opens it to everyone and one whose policy limits who may call.
* 4.10, access logging: CloudFront distributions (standard logging to S3, a CloudWatch Logs
  delivery, none), Application and Network Load Balancers, API Gateway REST and HTTP API
  stages, each with logging on and off.
* 6.8, VPC endpoints: a VPC whose public and private subnets reach S3 (and DynamoDB)
  through gateway endpoints, and one whose internet-routed subnet has none.

The organizations of 2.1.x are seeded apart (``organizations.py``): they need management
accounts among the audited ones. moto's gap for Glacier vault policies is filled by the
demo's filler (``gaps.glacier_policies``), never in the audit path.
"""
from __future__ import annotations

import json

from .. import gaps
from ..clients import EstateClients
from .section2 import create_bucket

# The checks this estate shows both outcomes for: seeded only for versions that have them.
CHECKS = frozenset({"no-public-resource-policies", "access-logging", "vpc-endpoints"})
ORG_ID = "o-demo000001"  # the organization the limited statements name (aws:PrincipalOrgID)


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def open_statement(sid: str, action, resource: str) -> dict:
    """Everyone, no condition: public."""
    return {"Sid": sid, "Effect": "Allow", "Principal": "*", "Action": action, "Resource": resource}


def org_statement(sid: str, action, resource: str) -> dict:
    """Everyone in one organization: limited, not public."""
    return {**open_statement(sid, action, resource), "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}}


# -- 2.21: one public and one limited resource of each kind -------------------------------------
def public_and_limited_resources(clients: EstateClients, account: str, region: str) -> None:
    create_bucket(clients, account, region, f"public-drop-{account}")
    create_bucket(clients, account, region, f"org-share-{account}")
    s3 = clients.client("s3", account, region)
    s3.put_bucket_policy(Bucket=f"public-drop-{account}", Policy=policy(
        open_statement("PublicRead", "s3:GetObject", f"arn:aws:s3:::public-drop-{account}/*")))
    s3.put_bucket_policy(Bucket=f"org-share-{account}", Policy=policy(
        org_statement("OrgRead", "s3:GetObject", f"arn:aws:s3:::org-share-{account}/*")))

    sqs = clients.client("sqs", account, region)
    for name, statement in (("orders-intake", open_statement), ("orders-internal", org_statement)):
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = f"arn:aws:sqs:{region}:{account}:{name}"
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy(statement("Send", "sqs:SendMessage", arn))})

    sns = clients.client("sns", account, region)
    feed = sns.create_topic(Name="public-feed")["TopicArn"]
    sns.set_topic_attributes(TopicArn=feed, AttributeName="Policy",
                             AttributeValue=policy(open_statement("AnyoneSubscribes", ["SNS:Subscribe", "SNS:Receive"], feed)))
    sns.create_topic(Name="internal-events")  # SNS's default policy: everyone, limited to the owner's account

    role = clients.client("iam", account).create_role(
        RoleName="demo-lambda", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
    )["Role"]["Arn"]
    functions = clients.client("lambda", account, region)
    for name in ("public-hook", "thumbnailer"):
        functions.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler",
                                  Code={"ZipFile": b"demo"})
    functions.add_permission(FunctionName="public-hook", StatementId="AnyoneInvokes",
                             Action="lambda:InvokeFunction", Principal="*")
    functions.add_permission(FunctionName="thumbnailer", StatementId="UploadsInvoke", Action="lambda:InvokeFunction",
                             Principal="s3.amazonaws.com", SourceArn=f"arn:aws:s3:::org-share-{account}",
                             SourceAccount=account)

    kms = clients.client("kms", account, region)
    key = kms.create_key(Description="shared with everyone")["KeyMetadata"]
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=policy(
        {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "AnyoneDecrypts", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"}))

    secrets = clients.client("secretsmanager", account, region)
    for name, statement in (("api-token", open_statement), ("db-password", org_statement)):
        arn = secrets.create_secret(Name=name, SecretString="demo")["ARN"]
        secrets.put_resource_policy(SecretId=arn, ResourcePolicy=policy(
            statement("Read", "secretsmanager:GetSecretValue", "*")))

    events = clients.client("events", account, region)
    for name, statement in (("partner-bus", open_statement), ("orders-bus", org_statement)):
        arn = events.create_event_bus(Name=name)["EventBusArn"]
        events.put_permission(EventBusName=name, Policy=policy(statement("PutEvents", "events:PutEvents", arn)))

    glacier = clients.client("glacier", account, region)
    for name, statement in (("archive-open", open_statement), ("archive-org", org_statement)):
        glacier.create_vault(vaultName=name)
        arn = f"arn:aws:glacier:{region}:{account}:vaults/{name}"
        gaps.glacier_policies.put(account, region, name, policy(statement("Retrieve", "glacier:InitiateJob", arn)))


# -- 4.10: access logging on and off ------------------------------------------------------------
def distribution(clients: EstateClients, account: str, name: str, log_bucket: str | None = None) -> dict:
    """A CloudFront distribution in front of a bucket; with ``log_bucket``, standard logging to it."""
    origin = f"{name}.s3.amazonaws.com"
    config = {
        "CallerReference": name, "Comment": name, "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": name, "DomainName": origin,
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": name, "ViewerProtocolPolicy": "redirect-to-https", "MinTTL": 0,
                                 "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                                 "TrustedSigners": {"Enabled": False, "Quantity": 0}},
        "Logging": {"Enabled": bool(log_bucket), "IncludeCookies": False,
                    "Bucket": f"{log_bucket}.s3.amazonaws.com" if log_bucket else "", "Prefix": ""},
    }
    return clients.client("cloudfront", account).create_distribution(DistributionConfig=config)["Distribution"]


def cloudwatch_delivery(clients: EstateClients, account: str, resource_arn: str, name: str) -> None:
    """CloudFront standard logging (v2): a delivery source in us-east-1, delivered to a log group."""
    logs = clients.client("logs", account, "us-east-1")
    logs.put_delivery_source(name=name, resourceArn=resource_arn, logType="ACCESS_LOGS")
    destination = logs.put_delivery_destination(name=f"{name}-group", deliveryDestinationConfiguration={
        "destinationResourceArn": f"arn:aws:logs:us-east-1:{account}:log-group:/cloudfront/{name}"})
    logs.create_delivery(deliverySourceName=name,
                         deliveryDestinationArn=destination["deliveryDestination"]["arn"])


def load_balancer(clients: EstateClients, account: str, region: str, name: str, kind: str, log_bucket: str | None) -> str:
    ec2 = clients.client("ec2", account, region)
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(
        Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]][:2]
    elbv2 = clients.client("elbv2", account, region)
    arn = elbv2.create_load_balancer(Name=name, Subnets=subnets, Type=kind)["LoadBalancers"][0]["LoadBalancerArn"]
    if log_bucket:
        elbv2.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[
            {"Key": "access_logs.s3.enabled", "Value": "true"}, {"Key": "access_logs.s3.bucket", "Value": log_bucket}])
    return arn


def rest_api(clients: EstateClients, account: str, region: str, name: str, logged: tuple[str, ...], unlogged: tuple[str, ...]) -> str:
    """A REST API with a deployed MOCK method, and stages with and without access logging."""
    apigateway = clients.client("apigateway", account, region)
    api = apigateway.create_rest_api(name=name)["id"]
    root = apigateway.get_resources(restApiId=api)["items"][0]["id"]
    apigateway.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigateway.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    deployment = apigateway.create_deployment(restApiId=api)["id"]
    for stage in (*logged, *unlogged):
        apigateway.create_stage(restApiId=api, stageName=stage, deploymentId=deployment)
    for stage in logged:
        apigateway.update_stage(restApiId=api, stageName=stage, patchOperations=[
            {"op": "replace", "path": "/accessLogSettings/destinationArn",
             "value": f"arn:aws:logs:{region}:{account}:log-group:/apigateway/{name}"},
            {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId $context.status"}])
    return api


def http_api(clients: EstateClients, account: str, region: str, name: str, logged: tuple[str, ...], unlogged: tuple[str, ...]) -> str:
    apigatewayv2 = clients.client("apigatewayv2", account, region)
    api = apigatewayv2.create_api(Name=name, ProtocolType="HTTP")["ApiId"]
    for stage in logged:
        apigatewayv2.create_stage(ApiId=api, StageName=stage, AccessLogSettings={
            "DestinationArn": f"arn:aws:logs:{region}:{account}:log-group:/apigateway/{name}",
            "Format": "$context.requestId $context.status"})
    for stage in unlogged:
        apigatewayv2.create_stage(ApiId=api, StageName=stage)
    return api


def front_ends(clients: EstateClients, account: str, region: str) -> None:
    logs = f"web-logs-{account}"
    create_bucket(clients, account, region, logs)
    distribution(clients, account, "shop", log_bucket=logs)
    cloudwatch_delivery(clients, account, distribution(clients, account, "media")["ARN"], "media-access")
    distribution(clients, account, "landing")
    load_balancer(clients, account, region, "shop-alb", "application", logs)
    load_balancer(clients, account, region, "internal-alb", "application", None)
    load_balancer(clients, account, region, "ingest-nlb", "network", logs)
    load_balancer(clients, account, region, "legacy-nlb", "network", None)
    rest_api(clients, account, region, "orders-api", logged=("prod",), unlogged=("dev",))
    http_api(clients, account, region, "webhooks", logged=("prod",), unlogged=("$default",))


# -- 6.8: VPC endpoints --------------------------------------------------------------------------
def vpc_with_subnets(ec2, cidr: str, name: str) -> tuple[str, list[str]]:
    vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}])["Vpc"]["VpcId"]
    base = cidr.rsplit(".", 2)[0]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.{n}.0/24")["Subnet"]["SubnetId"] for n in (1, 2)]
    return vpc, subnets


def routed(ec2, vpc: str, subnet: str, **target: str) -> str:
    """A route table for ``subnet`` sending 0.0.0.0/0 to ``target`` (GatewayId= or NatGatewayId=)."""
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", **target)
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    return table


def internet_vpc(clients: EstateClients, account: str, region: str, cidr: str, name: str, endpoints: bool) -> str:
    """A public subnet (to an internet gateway) and a private one (to a NAT gateway); with
    ``endpoints``, S3 and DynamoDB gateway endpoints routed from both route tables."""
    ec2 = clients.client("ec2", account, region)
    vpc, (public, private) = vpc_with_subnets(ec2, cidr, name)
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    public_table = routed(ec2, vpc, public, GatewayId=gateway)
    nat = ec2.create_nat_gateway(SubnetId=public, ConnectivityType="private")["NatGateway"]["NatGatewayId"]
    private_table = routed(ec2, vpc, private, NatGatewayId=nat)
    if endpoints:
        for service in ("s3", "dynamodb"):
            ec2.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Gateway", ServiceName=f"com.amazonaws.{region}.{service}",
                                    RouteTableIds=[public_table, private_table])
    return vpc


def seed(clients: EstateClients, accounts: tuple[str, ...], regions: tuple[str, ...]) -> None:
    first = accounts[0]
    second = accounts[1 % len(accounts)]
    home = regions[0]
    public_and_limited_resources(clients, first, home)
    front_ends(clients, second, home)
    internet_vpc(clients, first, home, "10.60.0.0/16", "app", endpoints=True)
    internet_vpc(clients, second, home, "10.61.0.0/16", "legacy", endpoints=False)
