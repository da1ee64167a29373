"""Refuse a JSON answer that is not JSON.

botocore's JSON parsers read a body that is not valid JSON as an *empty* answer (they
keep the text as an error message and find none of the output's members), so a
truncated or garbled ``DescribeTrails`` would read as "no trails" and a control would
FAIL (or PASS) on evidence AWS never gave. Hooked on botocore's ``before-parse`` event,
this turns such a body into the ResponseParserError that XML services already raise;
the reader records it as the call's error.
"""
from __future__ import annotations

import json

from botocore.parsers import ResponseParserError

JSON_PROTOCOLS = {"json", "rest-json"}


def refuse_unreadable_json(operation_model, response_dict, **_kwargs) -> None:
    if operation_model.service_model.resolved_protocol not in JSON_PROTOCOLS:
        return
    if operation_model.has_streaming_output or response_dict.get("status_code", 0) >= 300:
        return  # error bodies are parsed leniently on purpose; streams are not JSON documents
    body = response_dict.get("body") or b""
    if not body.strip():
        return  # an empty answer is a valid one for operations without output
    try:
        json.loads(body)
    except ValueError as exc:
        raise ResponseParserError(
            f"{operation_model.name}: the answer is not valid JSON ({exc}): {body[:80]!r}"
        ) from None
