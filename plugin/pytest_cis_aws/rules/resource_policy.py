"""Is a resource policy public? AWS's own answer, statement by statement (no AWS calls).

One rule for every resource policy document: S3 bucket policies (3.3), and the policies
of SQS queues, SNS topics, Lambda functions, KMS keys, Secrets Manager secrets,
EventBridge buses and Glacier vaults (v7.0.0's "no unrestricted Principal *" control).

    for found in resource_policy.public_statements(document):
        found.statement   # "ReadLogs" (the Sid) or "#2" (1-based position)
        found.actions     # ("s3:GetObject",), or ("*",) ...
        found.not_actions # set when the statement uses NotAction: it opens everything else
        found.reason      # why it is public, in a few words
        found.describe()  # all of it, one phrase for a failure message

"Public" follows AWS's definition for S3 Block Public Access, which IAM Access Analyzer
applies to the other resource types too ("The meaning of 'public'" in the Amazon S3 User
Guide, https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status):
an Allow to everyone is public unless a condition limits it to *fixed* values (no
wildcard, no policy variable) of one of the keys below. ``aws:SourceIp`` limits it only
when no range is broader than /8 (IPv4) or /32 (IPv6): AWS evaluates 0.0.0.0/1 as public.

Deliberately conservative, where AWS's own evaluation is finer than a statement: a Deny
elsewhere in the document is not credited against a public Allow, and a condition that
would also match a request lacking the key (``...IfExists``, ``ForAllValues:``) or one
that excludes callers (``StringNotEquals``, ``NotIpAddress``) does not limit anything.
"""
from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import unquote

# Broadest aws:SourceIp range AWS still treats as limiting (prefix length), per family.
BROADEST_PREFIX = {4: 8, 6: 32}

# Operators that let a request through only when the key is present and equals (or,
# for the *Like and Ip operators, falls inside) one of the listed values.
_MATCHING_OPERATORS = frozenset(
    op.lower() for op in (
        "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "IpAddress",
    )
)
_ANY_VALUE = "foranyvalue:"


def _no_wildcard(value: str) -> str | None:
    """None when ``value`` is fixed, else why it is not."""
    if "*" in value or "?" in value:
        return f"{value} holds a wildcard"
    if "${" in value:
        return f"{value} holds a policy variable"
    return None


def _narrow_ip_range(value: str) -> str | None:
    """None when ``value`` is a source range AWS treats as limiting, else why it is not."""
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return f"{value} is not an IP range"
    broadest = BROADEST_PREFIX[network.version]
    if network.prefixlen < broadest:
        return f"{value} is broader than /{broadest}"
    return None


def _fixed_account_in_arn(value: str) -> str | None:
    """An access point ARN may name any access point of one fixed account (AWS's own exception)."""
    parts = value.split(":")
    if len(parts) >= 6 and _no_wildcard(parts[4]) is None and "${" not in value:
        return None
    return f"{value} does not fix the account"


def _fixed_organization(value: str) -> str | None:
    """An organisation path is limiting when its organisation id (first segment) is fixed."""
    organization = value.split("/", 1)[0]
    if organization and _no_wildcard(organization) is None and "${" not in value:
        return None
    return f"{value} does not fix the organization"


# Condition keys that limit a statement to known callers, networks or sources, and how a
# value of each is judged fixed. Keys are compared in lower case (AWS ignores their case).
LIMITING_KEYS: dict[str, Callable[[str], str | None]] = {
    key.lower(): check
    for key, check in (
        ("aws:SourceIp", _narrow_ip_range),
        ("aws:SourceVpc", _no_wildcard),
        ("aws:SourceVpce", _no_wildcard),
        ("aws:SourceArn", _no_wildcard),
        ("aws:SourceAccount", _no_wildcard),
        ("aws:SourceOwner", _no_wildcard),
        ("aws:SourceOrgID", _no_wildcard),
        ("aws:SourceOrgPaths", _fixed_organization),
        ("aws:PrincipalOrgID", _no_wildcard),
        ("aws:PrincipalOrgPaths", _fixed_organization),
        ("aws:PrincipalAccount", _no_wildcard),
        ("aws:PrincipalArn", _no_wildcard),
        ("aws:userid", _no_wildcard),
        ("s3:DataAccessPointArn", _fixed_account_in_arn),
        ("s3:DataAccessPointAccount", _no_wildcard),
        ("s3:x-amz-server-side-encryption-aws-kms-key-id", _no_wildcard),
        # KMS: the caller's account (AWS-managed keys grant "*" limited by it and kms:ViaService).
        ("kms:CallerAccount", _no_wildcard),
    )
}


@dataclass(frozen=True)
class PublicStatement:
    """An Allow statement that opens the resource to everyone."""

    statement: str  # its Sid, or "#<1-based position>" when it has none
    actions: tuple[str, ...]  # its Action values (empty when it uses NotAction)
    not_actions: tuple[str, ...]  # its NotAction values: it opens every action but these
    reason: str  # why it is public

    @property
    def opens(self) -> str:
        if self.not_actions:
            return "every action except " + ", ".join(self.not_actions)
        return ", ".join(self.actions) or "no action"

    def describe(self) -> str:
        """``Everyone (s3:GetObject; Principal "*" and no condition limits it)``."""
        return f"{self.statement} ({self.opens}; {self.reason})"


# -- reading documents ------------------------------------------------------------------
def as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def parse(document: Any) -> dict:
    """A policy document as a dict ({} for none): JSON text, URL-encoded JSON, or a dict."""
    if not document:
        return {}
    if isinstance(document, dict):
        return document
    if isinstance(document, (bytes, bytearray)):
        document = document.decode()
    text = str(document).strip()
    if not text.startswith("{"):
        text = unquote(text)  # IAM hands documents back URL-encoded
    found = json.loads(text)
    return found if isinstance(found, dict) else {}


def statements(document: Any) -> list[dict]:
    return [s for s in as_list(parse(document).get("Statement")) if isinstance(s, dict)]


def everyone(principal: Any) -> bool:
    """``"*"``, ``{"AWS": "*"}``, either inside a list: anybody at all, signed in or not."""
    for entry in as_list(principal):
        if entry == "*":
            return True
        if isinstance(entry, dict) and "*" in as_list(entry.get("AWS")):
            return True
    return False


# -- the rule ---------------------------------------------------------------------------
def _principal_reason(statement: dict) -> str | None:
    """Why the statement's principal is everyone, or None when it names fixed principals."""
    if "NotPrincipal" in statement:
        return "NotPrincipal allows everyone it does not name"
    principal = statement.get("Principal")
    if everyone(principal):
        return f"Principal {json.dumps(principal)}"
    return None


def _condition_limits(operator: str, key: str, values: list) -> str | None:
    """None when this one condition limits callers to fixed values, else why it does not."""
    check = LIMITING_KEYS[key.lower()]
    op = operator.lower()
    bare = op[len(_ANY_VALUE):] if op.startswith(_ANY_VALUE) else op
    if bare not in _MATCHING_OPERATORS:
        if op.endswith("ifexists") or op.startswith("forallvalues:"):
            return f"{operator} on {key} also matches requests without it"
        return f"{operator} on {key} does not limit who can call"
    if not values:
        return f"{operator} on {key} lists no value"
    for value in values:
        problem = check(str(value))
        if problem is not None:
            return f"{key} {problem}"
    return None


def _public_reason(statement: dict) -> str | None:
    """None when the statement is not public, else the reason it is."""
    if str(statement.get("Effect", "")).lower() != "allow":
        return None
    principal = _principal_reason(statement)
    if principal is None:
        return None
    condition = statement.get("Condition")
    problems = []
    for operator, tests in (condition.items() if isinstance(condition, dict) else ()):
        for key, values in (tests.items() if isinstance(tests, dict) else ()):
            if str(key).lower() not in LIMITING_KEYS:
                continue
            problem = _condition_limits(str(operator), str(key), as_list(values))
            if problem is None:
                return None  # conditions are ANDed: one fixed limit is enough
            problems.append(problem)
    if not problems:
        return f"{principal} and no condition limits it"
    return f"{principal} and " + "; ".join(problems)


def _label(statement: dict, position: int) -> str:
    sid = statement.get("Sid")
    return str(sid) if sid not in (None, "") else f"#{position}"


def public_statements(document: Any) -> list[PublicStatement]:
    """Every Allow statement of ``document`` that opens the resource to everyone."""
    found = []
    for position, statement in enumerate(statements(document), start=1):
        reason = _public_reason(statement)
        if reason is not None:
            found.append(PublicStatement(
                statement=_label(statement, position),
                actions=tuple(str(a) for a in as_list(statement.get("Action"))),
                not_actions=tuple(str(a) for a in as_list(statement.get("NotAction"))),
                reason=reason,
            ))
    return found


def is_public(document: Any) -> bool:
    return bool(public_statements(document))
