"""EBS default encryption, per account and region (2.2.1)."""
from __future__ import annotations

from dataclasses import dataclass

from .base import Unit, collector, errors_of


@dataclass(frozen=True, kw_only=True)
class EbsDefaults(Unit):
    encrypted_by_default: bool | None


@collector(regional=True)
def encryption_by_default(aws, region) -> EbsDefaults:
    found = aws.read("ec2", "GetEbsEncryptionByDefault", region=region)
    return EbsDefaults(
        account=aws.account,
        region=region,
        resource=aws.account,
        label="ebs-defaults",
        encrypted_by_default=(found.value or {}).get("EbsEncryptionByDefault"),
        errors=errors_of(encrypted_by_default=found),
    )


def regions(inv):
    """Unit source: every enabled region of every account."""
    return inv.per_region(encryption_by_default, lambda account, region, record: [record], what="ebs-defaults")
