"""Errors raised when AWS could not tell us what a control needs."""
from __future__ import annotations

from dataclasses import dataclass


# Not frozen: contextlib assigns ``__traceback__`` to an exception passing through a
# @contextmanager (pytest's hooks are full of them), which a frozen dataclass refuses,
# turning every ERROR into "FrozenInstanceError". eq=False keeps identity hashing.
@dataclass(eq=False)
class AwsCallError(Exception):
    """An AWS read that failed: the unit it was for cannot be evaluated.

    Carries everything a reader of the report needs to fix it: which account,
    region and operation, and AWS's error code (AccessDenied names the missing
    IAM action, service:Operation).
    """

    account: str
    region: str
    service: str
    operation: str
    code: str
    message: str

    @property
    def action(self) -> str:
        """The IAM action the call needs, e.g. ``s3:GetBucketPolicy``."""
        return iam_action(self.service, self.operation)

    def __str__(self) -> str:
        where = f"account {self.account}, region {self.region}"
        text = f"{self.action} failed in {where}: {self.code}"
        if self.message:
            text += f" ({self.message})"
        if self.code in ACCESS_DENIED_CODES:
            text += f"; grant {self.action} to the audit role"
        return text

    def to_dict(self) -> dict[str, str]:
        return {
            "account": self.account,
            "region": self.region,
            "service": self.service,
            "operation": self.operation,
            "code": self.code,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> "AwsCallError":
        return cls(**data)


class ReadOnlyViolation(RuntimeError):
    """The suite tried an operation that is not on the read-only allow-list."""


ACCESS_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "AuthorizationError",
        "AuthorizationErrorException",
    }
)

# botocore service names whose IAM action prefix differs from the service name.
_IAM_PREFIXES = {
    "accessanalyzer": "access-analyzer",
    "cloudwatch": "cloudwatch",
    "logs": "logs",
    "elasticfilesystem": "elasticfilesystem",
    "efs": "elasticfilesystem",
    "s3control": "s3",
    "elbv2": "elasticloadbalancing",
    "apigatewayv2": "apigateway",
    "resourcegroupstaggingapi": "tag",
}


def iam_prefix(service: str) -> str:
    return _IAM_PREFIXES.get(service, service)


# API operations whose IAM action has another name (S3 names its actions after the
# resource, not the API): an AccessDenied message must name what to grant.
_IAM_ACTIONS = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3", "GetBucketReplication"): "s3:GetReplicationConfiguration",
    ("s3", "GetObjectLockConfiguration"): "s3:GetBucketObjectLockConfiguration",
    ("s3", "GetBucketNotificationConfiguration"): "s3:GetBucketNotification",
    ("s3", "GetBucketCors"): "s3:GetBucketCORS",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
}


# API Gateway authorises its management API by HTTP verb: every read is apigateway:GET.
_HTTP_VERB_SERVICES = frozenset({"apigateway", "apigatewayv2"})


def iam_action(service: str, operation: str) -> str:
    """The IAM action that allows ``service``'s API ``operation``."""
    if service in _HTTP_VERB_SERVICES and operation.startswith("Get"):
        return "apigateway:GET"
    return _IAM_ACTIONS.get((service, operation)) or f"{iam_prefix(service)}:{operation}"
