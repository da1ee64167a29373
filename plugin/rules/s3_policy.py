"""Rules over S3 bucket policies and ACLs (2.1.1 and 3.3).

Policy documents come in many equivalent spellings (a string or a list, ``"*"`` or
``{"AWS": "*"}``, ``"false"`` or ``false``); these helpers normalise them before deciding.
"""
from __future__ import annotations

import fnmatch
import json
from typing import Any, Iterable

PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}

# Condition keys that narrow an Allow to known callers or networks: a statement to "*"
# guarded by one of these is not open to the world.
RESTRICTING_KEYS = frozenset(
    key.lower()
    for key in (
        "aws:SourceArn", "aws:SourceAccount", "aws:SourceOwner", "aws:SourceOrgID", "aws:SourceOrgPaths",
        "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn",
        "aws:SourceVpc", "aws:SourceVpce", "aws:SourceIp", "aws:userid", "aws:username",
        "aws:ResourceAccount", "s3:DataAccessPointAccount", "s3:DataAccessPointArn",
    )
)


def as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def parse(policy: str | dict | None) -> dict:
    """The policy document as a dict ({} for no policy)."""
    if not policy:
        return {}
    return json.loads(policy) if isinstance(policy, str) else dict(policy)


def statements(policy: str | dict | None) -> list[dict]:
    return [s for s in as_list(parse(policy).get("Statement")) if isinstance(s, dict)]


def is_everyone(principal: Any) -> bool:
    """``"*"``, ``{"AWS": "*"}`` or ``{"AWS": [..., "*"]}``: anybody at all."""
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return "*" in as_list(principal.get("AWS"))
    return False


def _lower_keys(mapping: dict) -> dict:
    return {str(k).lower(): v for k, v in (mapping or {}).items()}


# -- 2.1.1 ------------------------------------------------------------------------
def _covers_s3_actions(statement: dict) -> bool:
    return any(str(action).lower() in ("s3:*", "*") for action in as_list(statement.get("Action")))


def _covers_objects(statement: dict, bucket: str) -> bool:
    """A resource pattern matching every object key of the bucket (``b/*``, ``*``...)."""
    sample = f"arn:aws:s3:::{bucket}/"
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


def https_denial(policy: str | dict | None, bucket: str, accept_tls_version: bool = False) -> str | None:
    """The form of the Deny that refuses insecure requests to everybody on every S3 action
    over all the bucket's objects: ``aws:SecureTransport`` (false), or, when
    ``accept_tls_version`` (rule C1, v4.0.1 on), ``s3:TlsVersion`` (below a minimum).
    None when the policy holds neither. The SecureTransport form wins when both are there:
    it is the one that refuses plain HTTP."""
    found = None
    for statement in statements(policy):
        if not (
            str(statement.get("Effect", "")).lower() == "deny"
            and is_everyone(statement.get("Principal"))
            and _covers_s3_actions(statement)
            and _covers_objects(statement, bucket)
        ):
            continue
        if _only_insecure_transport(statement.get("Condition")):
            return SECURE_TRANSPORT
        if accept_tls_version and _only_old_tls(statement.get("Condition")):
            found = TLS_VERSION
    return found


def denies_insecure_transport(policy: str | dict | None, bucket: str) -> bool:
    """True if one statement denies every S3 action over HTTP to everybody, on all objects."""
    return https_denial(policy, bucket) == SECURE_TRANSPORT


# -- 3.3 --------------------------------------------------------------------------
def _condition_keys(condition: Any) -> set[str]:
    keys: set[str] = set()
    for tests in (condition or {}).values() if isinstance(condition, dict) else ():
        if isinstance(tests, dict):
            keys.update(str(k).lower() for k in tests)
    return keys


def public_statements(policy: str | dict | None) -> list[str]:
    """Sids (or positions) of Allow statements open to everybody with no restricting condition."""
    found = []
    for position, statement in enumerate(statements(policy), start=1):
        if str(statement.get("Effect", "")).lower() != "allow" or not is_everyone(statement.get("Principal")):
            continue
        if _condition_keys(statement.get("Condition")) & RESTRICTING_KEYS:
            continue
        found.append(str(statement.get("Sid") or f"#{position}"))
    return found


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
