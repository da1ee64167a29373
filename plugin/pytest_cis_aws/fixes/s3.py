"""S3 fixes built from the evidence: the bucket policy (2.1.1), MFA Delete (2.1.2), a public
trail bucket (3.3) and a public bucket policy (v7.0.0's resource policies).

put-bucket-policy replaces the whole policy, so each policy fix carries every current
statement and changes only what its control is about.
"""
from __future__ import annotations

import json

from ..rules import resource_policy, s3_policy
from .model import Fix, partition_of, quote, quote_json

POLICY_VERSION = "2012-10-17"


def _document(policy) -> dict:
    if not policy:
        return {"Version": POLICY_VERSION, "Statement": []}
    document = json.loads(policy) if isinstance(policy, str) else dict(policy)
    statements = document.get("Statement", [])
    document["Statement"] = list(statements) if isinstance(statements, list) else [statements]
    return document


def _free_sid(document: dict, wanted: str) -> str:
    taken = {str(s.get("Sid")) for s in document["Statement"] if isinstance(s, dict)}
    sid, n = wanted, 2
    while sid in taken:
        sid, n = f"{wanted}{n}", n + 1
    return sid


def tls_denials(document: dict, bucket: str, partition: str, tls_version: bool) -> list[dict]:
    """The Deny statements 2.1.1 asks for: plain HTTP always; under rule C1 (v4.0.1 on),
    which accepts a TLS-version Deny too, requests below TLS 1.2 as well."""
    arns = [f"arn:{partition}:s3:::{bucket}", f"arn:{partition}:s3:::{bucket}/*"]
    found = [{"Sid": _free_sid(document, "DenyInsecureTransport"), "Effect": "Deny", "Principal": "*",
              "Action": "s3:*", "Resource": arns, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
    if tls_version:
        found.append({"Sid": _free_sid(document, "DenyOutdatedTls"), "Effect": "Deny", "Principal": "*",
                      "Action": "s3:*", "Resource": arns,
                      "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}})
    return found


def _put_policy(unit, bucket: str, document: dict) -> str:
    where = f"--region {quote(unit.region)} --bucket {quote(bucket)}"  # the bucket's own region: no redirect
    if not document["Statement"]:
        return f"aws s3api delete-bucket-policy {where}"
    return f"aws s3api put-bucket-policy {where} --policy {quote_json(document)}"


def https_only(control, bucket) -> Fix:
    """2.1.1: the current policy with the Deny added; every other statement kept as it is."""
    document = _document(bucket.policy)
    partition = partition_of(bucket)
    if not s3_policy.denies_insecure_transport(document, bucket.name, partition):
        document["Statement"] += tls_denials(document, bucket.name, partition, "C1" in control.changed)
    return Fix.run(_put_policy(bucket, bucket.name, document))


def mfa_delete(control, bucket) -> Fix:
    """2.1.2: only the root user, with its MFA device, can turn MFA Delete on."""
    status = (bucket.versioning or {}).get("Status") or "Enabled"
    if status != "Enabled":
        status = "Enabled"  # MFA Delete needs versioning on
    # The root user's MFA device serial and a current code, one argument: "arn:... 123456".
    return Fix.run(
        f"aws s3api put-bucket-versioning --region {quote(bucket.region)} --bucket {quote(bucket.name)} "
        f'--versioning-configuration Status={status},MFADelete=Enabled --mfa "<root-mfa-device-arn> <mfa-code>"'
    )


def without_public_statements(policy) -> dict:
    """The policy with the statements open to everyone left out, the rest kept as they are."""
    document = _document(policy)
    public = {id(s) for s in _public(document)}
    document["Statement"] = [s for s in document["Statement"] if id(s) not in public]
    return document


def _public(document: dict) -> list[dict]:
    # Judged one statement at a time, by the same rule the controls apply.
    return [s for s in document["Statement"]
            if resource_policy.public_statements({"Version": document.get("Version", POLICY_VERSION), "Statement": [s]})]


def _public_acl(acl: dict | None) -> dict | None:
    """The ACL with its grants to AllUsers and AuthenticatedUsers left out; None if it has none."""
    if not acl or not s3_policy.public_grants(acl):
        return None
    grants = [g for g in acl.get("Grants", []) or []
              if (g.get("Grantee") or {}).get("URI") not in s3_policy.PUBLIC_GROUPS]
    return {"Grants": grants, "Owner": acl.get("Owner", {})}


def trail_bucket_private(control, log_bucket) -> Fix:
    """3.3: the ACL without its public grants, and the policy without its public statements
    (the Deny for plain HTTP added as 2.1.1 would, so running both fixes in either order ends
    in the same policy); every other grant and statement kept."""
    bucket = log_bucket.bucket
    if bucket is None:
        return Fix.none(f"the bucket {log_bucket.name} is not in account {log_bucket.account}: fix it in the account "
                        "that owns it, or point the trail at a bucket of this account")
    commands = []
    acl = _public_acl(bucket.acl)
    if acl is not None:
        commands.append(f"aws s3api put-bucket-acl --region {quote(bucket.region)} --bucket {quote(bucket.name)} --access-control-policy {quote_json(acl)}")
    if resource_policy.public_statements(bucket.policy):
        commands.append(_put_policy(bucket, bucket.name, _private_policy(control, bucket)))
    return Fix.run(*commands)


def _private_policy(control, bucket) -> dict:
    document = without_public_statements(bucket.policy)
    partition = partition_of(bucket)
    if not s3_policy.denies_insecure_transport(document, bucket.name, partition):
        document["Statement"] += tls_denials(document, bucket.name, partition, "C1" in control.changed)
    return document


def public_bucket_policy(control, holder) -> Fix:
    """v7.0.0's no-public-resource-policies, for a bucket: its policy without the public statements."""
    document = without_public_statements(holder.policy)
    partition = partition_of(holder)
    if not s3_policy.denies_insecure_transport(document, holder.name, partition):
        document["Statement"] += tls_denials(document, holder.name, partition, "C1" in control.changed)
    return Fix.run(_put_policy(holder, holder.name, document))
