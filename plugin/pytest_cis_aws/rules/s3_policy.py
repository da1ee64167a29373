"""Rules over S3 bucket policies and ACLs (2.1.1, and the ACL half of 3.3).

Policy documents come in many equivalent spellings (a string or a list, ``"*"`` or
``{"AWS": "*"}``, ``"false"`` or ``false``); these helpers normalise them before deciding.
"""
from __future__ import annotations

import fnmatch
from typing import Any, Iterable

from . import resource_policy

PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}

# One reading of policy documents for every rule (resource_policy.py judges "public").
as_list, parse, statements = resource_policy.as_list, resource_policy.parse, resource_policy.statements
is_everyone = resource_policy.everyone


def _lower_keys(mapping: dict) -> dict:
    return {str(k).lower(): v for k, v in (mapping or {}).items()}


# -- 2.1.1 ------------------------------------------------------------------------
def _covers_s3_actions(statement: dict) -> bool:
    return any(str(action).lower() in ("s3:*", "*") for action in as_list(statement.get("Action")))


def _covers_objects(statement: dict, bucket: str, partition: str) -> bool:
    """A resource pattern matching every object key of the bucket (``b/*``, ``*``...)."""
    sample = f"arn:{partition}:s3:::{bucket}/"
    for pattern in as_list(statement.get("Resource")):
        pattern = str(pattern)
        if pattern.endswith("*") and fnmatch.fnmatchcase(sample, pattern):
            return True
    return False


def _only_insecure_transport(condition: Any) -> bool:
    """The condition is exactly "aws:SecureTransport is false" (Bool or BoolIfExists)."""
    operators = _lower_keys(condition if isinstance(condition, dict) else {})
    if len(operators) != 1:
        return False
    operator, tests = next(iter(operators.items()))
    if operator not in ("bool", "boolifexists") or not isinstance(tests, dict):
        return False
    tests = _lower_keys(tests)
    if set(tests) != {"aws:securetransport"}:
        return False
    return "false" in [str(v).lower() for v in as_list(tests["aws:securetransport"])]


def _only_old_tls(condition: Any) -> bool:
    """The condition is exactly "s3:TlsVersion is below some minimum" (NumericLessThan)."""
    operators = _lower_keys(condition if isinstance(condition, dict) else {})
    if set(operators) != {"numericlessthan"} or not isinstance(operators["numericlessthan"], dict):
        return False
    return set(_lower_keys(operators["numericlessthan"])) == {"s3:tlsversion"}


SECURE_TRANSPORT, TLS_VERSION = "aws:SecureTransport", "s3:TlsVersion"


def https_denial(policy: str | dict | None, bucket: str, partition: str = "aws",
                 accept_tls_version: bool = False) -> str | None:
    """The form of the Deny that refuses insecure requests to everybody on every S3 action
    over all the bucket's objects (object ARNs of ``partition``: aws, aws-us-gov, aws-cn):
    ``aws:SecureTransport`` (false), or, when
    ``accept_tls_version`` (rule C1, v4.0.1 on), ``s3:TlsVersion`` (below a minimum).
    None when the policy holds neither. The SecureTransport form wins when both are there:
    it is the one that refuses plain HTTP."""
    found = None
    for statement in statements(policy):
        if not (
            str(statement.get("Effect", "")).lower() == "deny"
            and is_everyone(statement.get("Principal"))
            and _covers_s3_actions(statement)
            and _covers_objects(statement, bucket, partition)
        ):
            continue
        if _only_insecure_transport(statement.get("Condition")):
            return SECURE_TRANSPORT
        if accept_tls_version and _only_old_tls(statement.get("Condition")):
            found = TLS_VERSION
    return found


def denies_insecure_transport(policy: str | dict | None, bucket: str, partition: str = "aws") -> bool:
    """True if one statement denies every S3 action over HTTP to everybody, on all objects."""
    return https_denial(policy, bucket, partition) == SECURE_TRANSPORT


# -- 3.3 (the policy side is resource_policy.public_statements) ---------------------
def public_grants(acl: dict | None) -> list[str]:
    """The public groups (AllUsers, AuthenticatedUsers) an ACL grants anything to, sorted."""
    groups = set()
    for grant in (acl or {}).get("Grants", []) or []:
        uri = (grant.get("Grantee") or {}).get("URI")
        if uri in PUBLIC_GROUPS:
            groups.add(PUBLIC_GROUPS[uri])
    return sorted(groups)


def names(items: Iterable[str]) -> str:
    return ", ".join(items)
