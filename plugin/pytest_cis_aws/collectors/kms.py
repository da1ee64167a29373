"""Customer-managed symmetric KMS keys and their rotation, per region (3.8)."""
from __future__ import annotations

from dataclasses import dataclass

from .base import Unit, collector, errors_of


@dataclass(frozen=True, kw_only=True)
class KmsKey(Unit):
    id: str
    rotation_enabled: bool | None


def in_scope(metadata: dict) -> bool:
    """3.8 is about enabled symmetric keys the customer manages (not AWS-managed, not pending deletion)."""
    spec = metadata.get("KeySpec") or metadata.get("CustomerMasterKeySpec")
    return (
        metadata.get("KeyManager") == "CUSTOMER"
        and spec == "SYMMETRIC_DEFAULT"
        and metadata.get("KeyState") == "Enabled"
    )


@collector(regional=True)
def customer_keys(aws, region) -> list[KmsKey]:
    found = []
    for listed in aws.call("kms", "ListKeys", region=region).get("Keys", []):
        key_id, arn = listed["KeyId"], listed.get("KeyArn") or listed["KeyId"]
        identity = dict(account=aws.account, region=region, resource=arn, label=f"key/{key_id}", id=key_id)
        described = aws.read("kms", "DescribeKey", region=region, KeyId=key_id)
        if described.error is not None:
            # Unknown scope: report the key as unevaluable rather than leave it out.
            found.append(KmsKey(rotation_enabled=None, errors={"key": described.error}, **identity))
            continue
        if not in_scope(described.value["KeyMetadata"]):
            continue
        rotation = aws.read("kms", "GetKeyRotationStatus", region=region, KeyId=key_id)
        found.append(
            KmsKey(
                rotation_enabled=(rotation.value or {}).get("KeyRotationEnabled"),
                errors=errors_of(rotation=rotation),
                **identity,
            )
        )
    return found


def all_customer_keys(inv):
    return inv.per_region(customer_keys, lambda account, region, found: found, what="kms-keys")
