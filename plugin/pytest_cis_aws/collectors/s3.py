"""S3 buckets (listed once per account, each read in its own region): 2.1.x, 3.3, 3.6, 3.10, 3.11."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..aws import partitions
from ..aws.errors import AwsCallError
from ..aws.sessions import GLOBAL_REGION
from .base import Unit, collector, errors_of

PUBLIC_ACCESS_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
# Evidence fields of a Bucket that are read per bucket.
BUCKET_FIELDS = ("policy", "versioning", "public_access_block", "acl", "logging")


@dataclass(frozen=True, kw_only=True)
class Bucket(Unit):
    name: str
    policy: str | None = None  # the policy document (JSON text); None: the bucket has no policy
    versioning: dict[str, Any] | None = None
    public_access_block: dict[str, bool] | None = None  # None: no bucket-level configuration
    account_public_access_block: dict[str, bool] | None = None  # S3 Control, account-wide
    acl: dict[str, Any] | None = None
    logging: dict[str, Any] | None = None  # LoggingEnabled, or None when access logging is off

    @property
    def partition(self) -> str:
        return self.resource.split(":")[1]


def bucket_region(location: dict | None, partition: str = partitions.DEFAULT) -> str:
    """GetBucketLocation answers None for the partition's first region (us-east-1) and the
    legacy "EU" for eu-west-1."""
    constraint = (location or {}).get("LocationConstraint")
    home = partitions.home_region(partition)
    return {None: home, "": home, "EU": "eu-west-1"}.get(constraint, constraint)


@collector(regional=False)
def buckets(aws) -> list[Bucket]:
    """Every bucket of the account; a failed ListBuckets makes the whole listing an ERROR."""
    listed = aws.call("s3", "ListBuckets").get("Buckets", [])
    account_block = aws.read(
        "s3control", "GetPublicAccessBlock", AccountId=aws.account,
        absent=("NoSuchPublicAccessBlockConfiguration",),
    )
    account_flags = (account_block.value or {}).get("PublicAccessBlockConfiguration")
    return aws.each(lambda raw: _bucket(aws, raw["Name"], account_flags, account_block), listed)


def _bucket(aws, name: str, account_flags, account_block) -> Bucket:
    identity = dict(account=aws.account, resource=f"arn:{aws.partition}:s3:::{name}", label=f"bucket/{name}", name=name)
    location = aws.read("s3", "GetBucketLocation", Bucket=name)
    if location.error is not None:
        # Without its region nothing else about the bucket can be read reliably.
        return Bucket(region=GLOBAL_REGION, errors={f: location.error for f in BUCKET_FIELDS}, **identity)
    region = bucket_region(location.value, aws.partition)
    policy = aws.read("s3", "GetBucketPolicy", region=region, absent=("NoSuchBucketPolicy",), Bucket=name)
    versioning = aws.read("s3", "GetBucketVersioning", region=region, Bucket=name)
    block = aws.read(
        "s3", "GetPublicAccessBlock", region=region, absent=("NoSuchPublicAccessBlockConfiguration",), Bucket=name
    )
    acl = aws.read("s3", "GetBucketAcl", region=region, Bucket=name)
    logging = aws.read("s3", "GetBucketLogging", region=region, Bucket=name)
    return Bucket(
        region=region,
        policy=(policy.value or {}).get("Policy"),
        versioning=versioning.value,
        public_access_block=(block.value or {}).get("PublicAccessBlockConfiguration"),
        account_public_access_block=account_flags,
        acl=acl.value,
        logging=(logging.value or {}).get("LoggingEnabled"),
        errors=errors_of(
            policy=policy, versioning=versioning, public_access_block=block,
            account_public_access_block=account_block, acl=acl, logging=logging,
        ),
        **identity,
    )


def flags_off(flags: dict[str, bool] | None) -> list[str]:
    """The Block Public Access settings that are not on (all four when unconfigured)."""
    return [name for name in PUBLIC_ACCESS_FLAGS if not (flags or {}).get(name)]


def all_buckets(inv):
    """Unit source: every bucket of every account, in its own region."""
    return inv.per_account(buckets, lambda account, found: found, what="buckets")


def buckets_by_name(inv, account: str) -> dict[str, Bucket] | AwsCallError:
    """An account's buckets by name, or the error that kept them from being listed."""
    try:
        return {b.name: b for b in inv.collect(buckets, account)}
    except AwsCallError as error:
        return error
