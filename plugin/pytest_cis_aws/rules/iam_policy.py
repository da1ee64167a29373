"""IAM policy document rules (pure functions, no AWS).

Control 1.16 asks whether a policy grants full administrative rights: an ``Allow``
statement whose Action is ``*`` and whose Resource is ``*``. Documents come from
GetAccountAuthorizationDetails or GetPolicyVersion, where botocore has usually
decoded them to a dict already; a URL-encoded JSON string is accepted too.
"""
from __future__ import annotations

import json
from typing import Any, Iterable
from urllib.parse import unquote


def parse_document(document: Any) -> dict:
    """A policy document as a dict, whatever form the API handed it back in."""
    if isinstance(document, dict):
        return document
    if isinstance(document, (bytes, bytearray)):
        document = document.decode()
    if isinstance(document, str):
        text = document.strip()
        if not text.startswith("{"):
            text = unquote(text)  # IAM returns documents URL-encoded (RFC 3986)
        return json.loads(text)
    raise ValueError(f"not a policy document: {type(document).__name__}")


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def statements(document: Any) -> list[dict]:
    """The document's statements (a single statement object counts as a list of one)."""
    return [s for s in _as_list(parse_document(document).get("Statement")) if isinstance(s, dict)]


def grants_full_admin(statement: dict) -> bool:
    """An Allow of Action "*" on Resource "*" (string or list, anywhere in the list).

    NotAction / NotResource statements are not "*:*" in the benchmark's sense and
    are left alone, as the benchmark's audit procedure does.
    """
    return (
        statement.get("Effect") == "Allow"
        and "*" in _as_list(statement.get("Action"))
        and "*" in _as_list(statement.get("Resource"))
    )


def full_admin_statements(document: Any) -> list[dict]:
    return [s for s in statements(document) if grants_full_admin(s)]


def allows_full_admin(document: Any) -> bool:
    return bool(full_admin_statements(document))


def default_version_document(versions: Iterable[dict]) -> Any | None:
    """The document of the default version in a PolicyVersionList, if present."""
    for version in versions:
        if version.get("IsDefaultVersion"):
            return version.get("Document")
    return None
