"""Web front ends and where their access logs go, one unit each (v7.0.0 4.10).

CloudFront distributions (global: standard logging to S3 in the distribution's config, or a
CloudWatch Logs delivery, "standard logging v2", whose source is in us-east-1),
Application and Network Load Balancers (``access_logs.s3.enabled``), API Gateway REST API
stages (``accessLogSettings``) and HTTP API stages (``AccessLogSettings``). Gateway Load
Balancers and WebSocket APIs are not front ends for web requests and are left out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from ..aws.sessions import GLOBAL_REGION
from .base import Unit, collector, errors_of

LOGGING = "logging"  # the evidence field every unit here reads
CLOUDFRONT_LOG_REGION = "us-east-1"  # CloudFront's delivery sources live there
LOAD_BALANCER_KINDS = {"application": "Application Load Balancer", "network": "Network Load Balancer"}


@dataclass(frozen=True, kw_only=True)
class FrontEnd(Unit):
    kind: str  # "CloudFront distribution", "Application Load Balancer"...
    name: str
    destinations: tuple[str, ...]  # where its access logs go; empty: logging is off
    source: str  # the IAM action that read the deciding fields
    settings: dict[str, Any] = field(default_factory=dict)  # those fields, for the evidence
    id: str = ""  # distribution id, API id: the fix commands name it
    stage: str = ""

    @property
    def named(self) -> str:
        return f"{self.kind} {self.name}"


# -- CloudFront --------------------------------------------------------------------------------
@collector(regional=False)
def distributions(aws) -> list[FrontEnd]:
    listed = ((aws.call("cloudfront", "ListDistributions").get("DistributionList") or {}).get("Items") or [])
    sources = deliveries = None
    found = []
    for summary in listed:
        config = aws.read("cloudfront", "GetDistributionConfig", Id=summary["Id"])
        logging = ((config.value or {}).get("DistributionConfig") or {}).get("Logging") or {}
        destinations, errors, settings = [], errors_of(logging=config), {"Logging": logging}
        if logging.get("Enabled"):
            destinations.append(f"S3 bucket {logging.get('Bucket', '')}")
        elif config.error is None:
            # No standard logging to S3: a CloudWatch Logs delivery may carry it (read once, if needed).
            if sources is None:
                sources = aws.read("logs", "DescribeDeliverySources", region=CLOUDFRONT_LOG_REGION)
                deliveries = aws.read("logs", "DescribeDeliveries", region=CLOUDFRONT_LOG_REGION)
            failed = sources.error or deliveries.error
            errors = {LOGGING: failed} if failed is not None else {}
            delivered = _deliveries_for(summary["ARN"], sources.value, deliveries.value)
            destinations += delivered
            settings["deliveries"] = delivered
        found.append(FrontEnd(
            account=aws.account, region=GLOBAL_REGION, resource=summary["ARN"], label=f"distribution/{summary['Id']}",
            kind="CloudFront distribution", name=summary["Id"], id=summary["Id"], destinations=tuple(destinations),
            source="cloudfront:GetDistributionConfig", settings=settings, errors=errors,
        ))
    return found


def _deliveries_for(arn: str, sources: dict | None, deliveries: dict | None) -> list[str]:
    """The destinations of the access-log deliveries whose source is this distribution."""
    names = {s.get("name") for s in (sources or {}).get("deliverySources", []) or []
             if arn in (s.get("resourceArns") or []) and s.get("logType") == "ACCESS_LOGS"}
    return [f"{d.get('deliveryDestinationType', 'delivery')} {d.get('deliveryDestinationArn', '')}"
            for d in (deliveries or {}).get("deliveries", []) or [] if d.get("deliverySourceName") in names]


# -- Elastic Load Balancing ------------------------------------------------------------------------
@collector(regional=True)
def load_balancers(aws, region) -> list[FrontEnd]:
    listed = aws.call("elbv2", "DescribeLoadBalancers", region=region).get("LoadBalancers", []) or []
    found = []
    for balancer in listed:
        kind = LOAD_BALANCER_KINDS.get(balancer.get("Type"))
        if kind is None:
            continue  # a Gateway Load Balancer passes packets, not requests: it has no access log
        arn = balancer["LoadBalancerArn"]
        read = aws.read("elbv2", "DescribeLoadBalancerAttributes", region=region, LoadBalancerArn=arn)
        attributes = {a["Key"]: a.get("Value") for a in (read.value or {}).get("Attributes", []) or []}
        # AWS leaves the key out of a Network Load Balancer's attributes until it is set: off.
        enabled = attributes.get("access_logs.s3.enabled") == "true"
        bucket = attributes.get("access_logs.s3.bucket") or ""
        found.append(FrontEnd(
            account=aws.account, region=region, resource=arn, label=f"load-balancer/{balancer['LoadBalancerName']}",
            kind=kind, name=balancer["LoadBalancerName"], destinations=(f"S3 bucket {bucket}",) if enabled else (),
            source="elasticloadbalancing:DescribeLoadBalancerAttributes",
            settings={k: attributes.get(k) for k in ("access_logs.s3.enabled", "access_logs.s3.bucket")},
            errors=errors_of(logging=read),
        ))
    return found


# -- API Gateway -----------------------------------------------------------------------------------
@collector(regional=True)
def rest_api_stages(aws, region) -> list[FrontEnd]:
    apis = aws.call("apigateway", "GetRestApis", region=region).get("items", []) or []
    found = []
    for api in apis:
        stages = aws.read("apigateway", "GetStages", region=region, restApiId=api["id"])
        if stages.error is not None:
            found.append(_stage(aws, region, "REST API", "rest-api-stage", "restapis", api["id"], api.get("name", ""),
                                "*", None, stages))
            continue
        for stage in (stages.value or {}).get("item", []) or []:
            found.append(_stage(aws, region, "REST API", "rest-api-stage", "restapis", api["id"], api.get("name", ""),
                                stage["stageName"], (stage.get("accessLogSettings") or {}).get("destinationArn"), stages))
    return found


@collector(regional=True)
def http_api_stages(aws, region) -> list[FrontEnd]:
    apis = aws.call("apigatewayv2", "GetApis", region=region).get("Items", []) or []
    found = []
    for api in apis:
        if api.get("ProtocolType") != "HTTP":
            continue  # WebSocket APIs carry messages, not web requests
        stages = aws.read("apigatewayv2", "GetStages", region=region, ApiId=api["ApiId"])
        if stages.error is not None:
            found.append(_stage(aws, region, "HTTP API", "http-api-stage", "apis", api["ApiId"], api.get("Name", ""),
                                "*", None, stages))
            continue
        for stage in (stages.value or {}).get("Items", []) or []:
            found.append(_stage(aws, region, "HTTP API", "http-api-stage", "apis", api["ApiId"], api.get("Name", ""),
                                stage["StageName"], (stage.get("AccessLogSettings") or {}).get("DestinationArn"), stages))
    return found


def _stage(aws, region, kind, label, path, api_id, api_name, stage, destination, read) -> FrontEnd:
    shown = f"{api_name} ({api_id})" if api_name else api_id
    return FrontEnd(
        account=aws.account, region=region, resource=f"arn:{aws.partition}:apigateway:{region}::/{path}/{api_id}/stages/{stage}",
        label=f"{label}/{api_id}/{stage}", kind=f"{kind} {shown} stage", name=stage, id=api_id, stage=stage,
        destinations=(f"log group {destination}",) if destination else (), source="apigateway:GET",
        settings={"stage": stage, "access_log_destination": destination}, errors=errors_of(logging=read),
    )


def all_front_ends(inv) -> Iterator[Unit]:
    """Unit source: every distribution, load balancer and API stage of every account."""
    yield from inv.per_account(distributions, lambda account, found: found, what="cloudfront-distributions")
    for source, what in ((load_balancers, "load-balancers"), (rest_api_stages, "rest-apis"),
                         (http_api_stages, "http-apis")):
        yield from inv.per_region(source, lambda account, region, found: found, what=what)
