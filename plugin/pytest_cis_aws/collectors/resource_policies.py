"""Resources that take a resource policy, one unit each (v7.0.0 2.21).

S3 buckets (from the S3 collector), SQS queues, SNS topics, Lambda functions, KMS keys,
Secrets Manager secrets, EventBridge event buses (the default bus too) and Glacier vaults.
Every such resource is a unit, with a policy or not: one without a policy opens nothing and
passes ("has no resource policy"), so the resources scanned count every resource the
control looked at, as other tools count them. A resource whose policy could not be read
reports ERROR naming the call. Collectors here run only when 2.21 is selected.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from . import s3
from .base import Unit, collector, errors_of

POLICY = "policy"  # the evidence field every unit here reads


@dataclass(frozen=True, kw_only=True)
class PolicyHolder(Unit):
    """One resource and its resource policy (JSON text, as the service returned it)."""

    kind: str  # "S3 bucket", "SQS queue"...: how a finding names the resource
    name: str
    policy: str | None
    source: str  # the IAM action the policy was read with, for the evidence

    @property
    def named(self) -> str:
        return f"{self.kind} {self.name}"


def _holder(aws, region: str, kind: str, label: str, name: str, arn: str, read, text, source: str) -> PolicyHolder:
    """The resource's unit: its policy (None when it has none), or the error that hid it."""
    policy = (text(read.value) or None) if read.error is None else None
    return PolicyHolder(account=aws.account, region=region, resource=arn, label=f"{label}/{name}", kind=kind,
                        name=name, policy=policy, source=source, errors=errors_of(policy=read))


def _kept(found: Iterable[PolicyHolder]) -> list[PolicyHolder]:
    return list(found)


@collector(regional=True)
def queue_policies(aws, region) -> list[PolicyHolder]:
    urls = aws.call("sqs", "ListQueues", region=region).get("QueueUrls", []) or []
    found = []
    for url in urls:
        name = url.rstrip("/").rsplit("/", 1)[-1]
        read = aws.read("sqs", "GetQueueAttributes", region=region, absent=("AWS.SimpleQueueService.NonExistentQueue",),
                        QueueUrl=url, AttributeNames=["Policy", "QueueArn"])
        attributes = (read.value or {}).get("Attributes", {}) or {}
        arn = attributes.get("QueueArn") or f"arn:{aws.partition}:sqs:{region}:{aws.account}:{name}"
        found.append(_holder(aws, region, "SQS queue", "queue", name, arn, read,
                             lambda v: ((v or {}).get("Attributes") or {}).get("Policy"), "sqs:GetQueueAttributes"))
    return _kept(found)


@collector(regional=True)
def topic_policies(aws, region) -> list[PolicyHolder]:
    topics = aws.call("sns", "ListTopics", region=region).get("Topics", []) or []
    found = []
    for topic in topics:
        arn = topic["TopicArn"]
        read = aws.read("sns", "GetTopicAttributes", region=region, absent=("NotFound",), TopicArn=arn)
        found.append(_holder(aws, region, "SNS topic", "topic", arn.rsplit(":", 1)[-1], arn, read,
                             lambda v: ((v or {}).get("Attributes") or {}).get("Policy"), "sns:GetTopicAttributes"))
    return _kept(found)


@collector(regional=True)
def function_policies(aws, region) -> list[PolicyHolder]:
    functions = aws.call("lambda", "ListFunctions", region=region).get("Functions", []) or []
    found = []
    for function in functions:
        arn = function["FunctionArn"]
        # A function nobody was granted anything on has no policy: GetPolicy answers ResourceNotFound.
        read = aws.read("lambda", "GetPolicy", region=region, absent=("ResourceNotFoundException",), FunctionName=arn)
        found.append(_holder(aws, region, "Lambda function", "function", function["FunctionName"], arn, read,
                             lambda v: (v or {}).get("Policy"), "lambda:GetPolicy"))
    return _kept(found)


@collector(regional=True)
def key_policies(aws, region) -> list[PolicyHolder]:
    keys = aws.call("kms", "ListKeys", region=region).get("Keys", []) or []
    found = []
    for key in keys:
        key_id, arn = key["KeyId"], key.get("KeyArn") or key["KeyId"]
        read = aws.read("kms", "GetKeyPolicy", region=region, KeyId=key_id, PolicyName="default")
        found.append(_holder(aws, region, "KMS key", "key", key_id, arn, read,
                             lambda v: (v or {}).get("Policy"), "kms:GetKeyPolicy"))
    return _kept(found)


@collector(regional=True)
def secret_policies(aws, region) -> list[PolicyHolder]:
    secrets = aws.call("secretsmanager", "ListSecrets", region=region).get("SecretList", []) or []
    found = []
    for secret in secrets:
        arn = secret["ARN"]
        read = aws.read("secretsmanager", "GetResourcePolicy", region=region, SecretId=arn)
        found.append(_holder(aws, region, "Secrets Manager secret", "secret", secret.get("Name") or arn, arn, read,
                             lambda v: (v or {}).get("ResourcePolicy"), "secretsmanager:GetResourcePolicy"))
    return _kept(found)


@collector(regional=True)
def bus_policies(aws, region) -> list[PolicyHolder]:
    """ListEventBuses hands each bus's policy back with the bus. botocore has no paginator for
    it: its pages are followed here, each a call of its own."""
    buses, token = [], None
    while True:
        page = aws.call("events", "ListEventBuses", region=region, **({"NextToken": token} if token else {}))
        buses += page.get("EventBuses", []) or []
        token = page.get("NextToken")
        if not token:
            break
    return [
        PolicyHolder(account=aws.account, region=region, resource=bus["Arn"], label=f"event-bus/{bus['Name']}",
                     kind="EventBridge event bus", name=bus["Name"], policy=bus.get("Policy") or None,
                     source="events:ListEventBuses")
        for bus in buses
    ]


@collector(regional=True)
def vault_policies(aws, region) -> list[PolicyHolder]:
    vaults = aws.call("glacier", "ListVaults", region=region).get("VaultList", []) or []
    found = []
    for vault in vaults:
        name = vault["VaultName"]
        read = aws.read("glacier", "GetVaultAccessPolicy", region=region, absent=("ResourceNotFoundException",),
                        vaultName=name)
        arn = vault.get("VaultARN") or f"arn:{aws.partition}:glacier:{region}:{aws.account}:vaults/{name}"
        found.append(_holder(aws, region, "Glacier vault", "vault", name, arn, read,
                             lambda v: ((v or {}).get("policy") or {}).get("Policy"), "glacier:GetVaultAccessPolicy"))
    return _kept(found)


def _bucket_holders(account: str, buckets: list[s3.Bucket]) -> Iterator[Unit]:
    for bucket in buckets:
        error = bucket.errors.get(POLICY)
        yield PolicyHolder(account=account, region=bucket.region, resource=bucket.resource, label=bucket.label,
                           kind="S3 bucket", name=bucket.name, policy=bucket.policy, source="s3:GetBucketPolicy",
                           errors={POLICY: error} if error is not None else {})


# (collector, what an unlistable region's unit is called)
REGIONAL: tuple[tuple[Callable, str], ...] = (
    (queue_policies, "sqs-queues"),
    (topic_policies, "sns-topics"),
    (function_policies, "lambda-functions"),
    (key_policies, "kms-keys"),
    (secret_policies, "secrets"),
    (bus_policies, "event-buses"),
    (vault_policies, "glacier-vaults"),
)


def all_policy_holders(inv) -> Iterator[Unit]:
    """Unit source: every resource that takes a resource policy, of every kind, account and region."""
    yield from inv.per_account(s3.buckets, _bucket_holders, what="buckets")
    for source, what in REGIONAL:
        yield from inv.per_region(source, lambda account, region, found: found, what=what)
