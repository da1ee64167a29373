"""AWS's request throttling, imitated by the bench's proxy (bench/latency.py).

AWS limits each account's request rate per API and region: a token bucket that holds a
burst of N requests and refills at N per second; a request that finds it empty is refused
with the service's own throttling error and consumes nothing. :class:`Throttle` keeps one
such bucket per (account, region, operation) and answers each protocol's error the way the
service does, so botocore sees a real throttling error (its ``_THROTTLED_ERROR_CODES``).

The proxy only sees HTTP, so it works out what AWS would know:

* the region and service from the SigV4 credential scope of the ``Authorization`` header;
* the operation from the protocol: ``X-Amz-Target`` (JSON), ``Action=`` (query, EC2), the
  CBOR path (CloudWatch), or, for REST APIs, the method with the path's first segment and
  S3's sub-resource query keys (``GET bucket ?policy``): close enough to AWS's per-API limit;
* the account from the access key: the base credentials are the caller's, and every
  ``sts:AssumeRole`` answer it forwards teaches it the new key's account.
"""
from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

CREDENTIAL = re.compile(r"Credential=([^/]+)/[^/]+/([^/]+)/([^/]+)/aws4_request")
ROLE_ACCOUNT = re.compile(r"arn(?:%3A|:)aws[\w-]*(?:%3A|:)iam(?:%3A|:)(?:%3A|:)(\d{12})")
NEW_KEY = re.compile(rb"<AccessKeyId>([^<]+)</AccessKeyId>")
CBOR_PATH = re.compile(r"/service/[^/]+/operation/([^/?]+)")


@dataclass(frozen=True)
class Request:
    account: str
    region: str
    service: str  # the signing name: iam, ec2, s3, monitoring, ...
    operation: str
    protocol: str  # query, ec2, json, cbor, s3, rest

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.account, self.region, f"{self.service}:{self.operation}")


def identify(method: str, path: str, headers, body: bytes | None, accounts: dict[str, str],
             caller: str) -> Request | None:
    """What AWS would see in a request; None for one that is not SigV4-signed."""
    found = CREDENTIAL.search(headers.get("Authorization", ""))
    if not found:
        return None
    key, region, service = found.groups()
    account = accounts.get(key, caller)
    target = headers.get("X-Amz-Target")
    content_type = headers.get("Content-Type", "")
    if target:
        return Request(account, region, service, target.rsplit(".", 1)[-1], "json")
    if CBOR_PATH.search(path):
        return Request(account, region, service, CBOR_PATH.search(path).group(1), "cbor")
    if "x-www-form-urlencoded" in content_type and body:
        action = parse_qs(body.decode("utf-8", "replace")).get("Action", ["?"])[0]
        return Request(account, region, service, action, "ec2" if service == "ec2" else "query")
    parts = urlsplit(path)
    segments = [s for s in parts.path.split("/") if s]
    if service == "s3":
        # S3 names its operations by sub-resource: GET /bucket?policy is GetBucketPolicy.
        what = ("service", "bucket", "object")[min(len(segments), 2)]
        sub = "&".join(sorted(k for k in parse_qs(parts.query, keep_blank_values=True)))
        return Request(account, region, service, f"{method} {what} ?{sub}", "s3")
    return Request(account, region, service, f"{method} /{segments[0] if segments else ''}", "rest")


def throttling_answer(request: Request) -> tuple[int, dict[str, str], bytes]:
    """The service's own throttling error: (status, headers, body)."""
    request_id = str(uuid.uuid4())
    if request.protocol == "ec2":
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>RequestLimitExceeded</Code>'
                f"<Message>Request limit exceeded.</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>")
        return 503, {"Content-Type": "text/xml;charset=UTF-8"}, body.encode()
    if request.protocol == "query":
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>"
                f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>")
        return 400, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}, body.encode()
    if request.protocol == "s3":
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
                f"<Message>Please reduce your request rate.</Message><RequestId>{request_id}</RequestId></Error>")
        return 503, {"Content-Type": "application/xml", "x-amz-request-id": request_id}, body.encode()
    if request.protocol == "cbor":
        # CloudWatch speaks CBOR and keeps its query-era code in x-amzn-query-error.
        body = _cbor_map({"__type": "ThrottlingException", "message": "Rate exceeded"})
        return 400, {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor",
                     "x-amzn-query-error": "Throttling;Sender", "x-amzn-RequestId": request_id}, body
    if request.protocol == "json":
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
        headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": request_id}
        if request.service == "monitoring":  # CloudWatch moved from query to JSON and keeps its code
            headers["x-amzn-query-error"] = "Throttling;Sender"
        return 400, headers, body
    body = json.dumps({"message": "Rate exceeded"}).encode()  # REST-JSON: the code is in a header
    return 429, {"Content-Type": "application/json", "x-amzn-ErrorType": "ThrottlingException",
                 "x-amzn-RequestId": request_id}, body


def _cbor_map(items: dict[str, str]) -> bytes:
    """A CBOR map of short text strings (RFC 8949, major types 5 and 3)."""
    def text(value: str) -> bytes:
        data = value.encode()
        return (bytes([0x60 + len(data)]) if len(data) < 24 else bytes([0x78, len(data)])) + data

    return bytes([0xA0 + len(items)]) + b"".join(text(k) + text(v) for k, v in items.items())


class Throttle:
    """Token buckets per (account, region, operation): a burst of ``rate`` (at least one
    request, so a rate below 1/s still lets requests through), refilled at ``rate`` per
    second; a refused request takes no token."""

    def __init__(self, rate: float | None, caller: str):
        self.rate = rate  # None: count only, never refuse
        self.caller = caller
        self.accounts: dict[str, str] = {}  # access key id -> account, learnt from AssumeRole
        self.sent = Counter()  # key -> requests answered by the server
        self.refused = Counter()  # key -> throttling errors answered
        self._buckets: dict[tuple, list[float]] = {}  # key -> [tokens, last refill]
        self._lock = threading.Lock()

    def admit(self, request: Request) -> bool:
        with self._lock:
            if self.rate is not None:
                now = time.monotonic()
                burst = max(1.0, self.rate)
                tokens, last = self._buckets.get(request.key, (burst, now))
                tokens = min(burst, tokens + (now - last) * self.rate)
                if tokens < 1:
                    self._buckets[request.key] = [tokens, now]
                    self.refused[request.key] += 1
                    return False
                self._buckets[request.key] = [tokens - 1, now]
            self.sent[request.key] += 1
            return True

    def learn(self, body: bytes | None, answer: bytes) -> None:
        """An AssumeRole went through: its new access key belongs to the role's account."""
        role = ROLE_ACCOUNT.search((body or b"").decode("utf-8", "replace"))
        key = NEW_KEY.search(answer)
        if role and key:
            with self._lock:
                self.accounts[key.group(1).decode()] = role.group(1)

    def take_counts(self) -> tuple[Counter, Counter]:
        with self._lock:
            sent, refused = self.sent, self.refused
            self.sent, self.refused = Counter(), Counter()
            self._buckets.clear()  # every run starts with full buckets
        return sent, refused
