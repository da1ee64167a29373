"""AWS partitions: aws, aws-us-gov, aws-cn (and the isolated ones botocore knows).

A run audits one partition: the caller's. Every ARN the suite builds (role, S3 bucket,
EC2, IAM managed policy) and every region list it uses comes from it, and calls to
global services (IAM, STS, Organizations, S3 Control) go to the partition's home region.
"""
from __future__ import annotations

from functools import lru_cache

import botocore.session

DEFAULT = "aws"
# Where each partition's global services (IAM, STS, Organizations) answer.
HOME_REGIONS = {
    "aws": "us-east-1",
    "aws-us-gov": "us-gov-west-1",
    "aws-cn": "cn-north-1",
    "aws-iso": "us-iso-east-1",
    "aws-iso-b": "us-isob-east-1",
}


@lru_cache(maxsize=1)
def _endpoint_data() -> botocore.session.Session:
    """One botocore session for its endpoint data (each new session loads it again)."""
    return botocore.session.get_session()


@lru_cache(maxsize=None)
def of_region(region: str) -> str:
    """The partition a region belongs to (botocore's endpoint data; "aws" for unknown ones)."""
    try:
        return _endpoint_data().get_partition_for_region(region) or DEFAULT
    except Exception:  # noqa: BLE001 - an unknown region: the options already reject those
        return DEFAULT


def of_arn(arn: str) -> str:
    parts = arn.split(":")
    return parts[1] if len(parts) > 1 and parts[0] == "arn" and parts[1] else DEFAULT


def home_region(partition: str) -> str:
    return HOME_REGIONS.get(partition, HOME_REGIONS[DEFAULT])
