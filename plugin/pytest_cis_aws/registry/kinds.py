"""The kinds of unit a check's catalogue entry declares (``kind:``), and what each is outside.

A kind is the first part of a unit's label ("bucket" of "bucket/app-logs"; "access-key" for a
user's key), or ``account`` for a unit that is its account (or its account in a region). The
catalogue names the kinds of every check's units, and its per-resource ``fix`` templates name
kinds and unit fields: the registry refuses any it does not know here when it loads
(``RegistryError``), so a typo is an error at start, not a ``{name}`` left in a report.

``asff_type`` is the resource type Security Hub uses for the kind (ASFF ``Resources[].Type``;
OCSF ``resources[].type`` takes the same names); ``fields`` are the unit fields a fix
template may name beyond every unit's own (``COMMON_FIELDS``). tests/versions/test_kinds.py
keeps ``fields`` true to the unit classes of each kind.
"""
from __future__ import annotations

from dataclasses import dataclass

# Every unit has these (collectors/base.py Unit).
COMMON_FIELDS = ("account", "region", "resource", "label")
ACCOUNT = "account"
ACCESS_KEY = "access-key"
ACCESS_KEY_MARK = "/access-key/"  # label user/<name>/access-key/<key id>; the resource is the key id


@dataclass(frozen=True)
class Kind:
    asff_type: str
    fields: tuple[str, ...] = ()


_USER_KEYS = ("name", "setup_key_ids", "stale_key_ids", "stale_password", "extra_active_key_ids")
# A resource with a resource policy (collectors/resource_policies.py PolicyHolder).
_HOLDER = ("name", "kind")

KINDS: dict[str, Kind] = {
    # Units without a resource of their own (an account, an account in a region) are the account.
    ACCOUNT: Kind("AwsAccount"),
    "user": Kind("AwsIamUser", _USER_KEYS),
    ACCESS_KEY: Kind("AwsIamAccessKey", ("user_name", "key_id")),
    "policy": Kind("AwsIamPolicy", ("name",)),
    "bucket": Kind("AwsS3Bucket", ("name",)),
    "trail": Kind("AwsCloudTrailTrail", ("name", "bucket_name")),
    "efs": Kind("AwsEfsFileSystem", ("id", "name")),
    "instance": Kind("AwsEc2Instance", ("id", "name")),
    "vpc": Kind("AwsEc2Vpc", ("id",)),
    "key": Kind("AwsKmsKey", ("id",)),
    "network-acl": Kind("AwsEc2NetworkAcl", ("id", "vpc_id")),
    "security-group": Kind("AwsEc2SecurityGroup", ("id", "vpc_id")),
    "db": Kind("AwsRdsDbInstance", ("id",)),
    "queue": Kind("AwsSqsQueue", _HOLDER),
    "topic": Kind("AwsSnsTopic", _HOLDER),
    "function": Kind("AwsLambdaFunction", _HOLDER),
    "secret": Kind("AwsSecretsManagerSecret", _HOLDER),
    "event-bus": Kind("AwsEventsEventbus", _HOLDER),
    "distribution": Kind("AwsCloudFrontDistribution", ("id", "name")),
    "load-balancer": Kind("AwsElbv2LoadBalancer", ("name",)),
    "rest-api-stage": Kind("AwsApiGatewayStage", ("id", "name", "stage")),
    "http-api-stage": Kind("AwsApiGatewayV2Stage", ("id", "name", "stage")),
    # ASFF has no type for IAM server certificates, Glacier vaults, organizations or a
    # region's Security Hub.
    "server-certificate": Kind("Other", ("name",)),
    "vault": Kind("Other", _HOLDER),
    "organization": Kind("Other"),
    "securityhub": Kind("Other"),
}


def label_kind(label: str) -> str | None:
    """The kind a unit's label names ("bucket/app-logs": bucket), or None (an account-level label)."""
    if ACCESS_KEY_MARK in label:
        return ACCESS_KEY
    return label.split("/", 1)[0] if "/" in label else None
