"""Faults injected into the audit's own boto3 sessions.

Each class is a pytest plugin object handed to ``audit(..., plugins=[...])``: its
``pytest_cis_configure_session`` hook registers botocore event handlers on every
session the audit opens, so faults hit the real client stack (retries, paginators,
parsers) and the real reader, exactly where AWS's own answers would.

* ``before-call`` handlers answer an operation without sending it (AccessDenied,
  which botocore never retries);
* ``before-send`` handlers replace the HTTP answer (throttling, garbage bodies), so
  botocore's retry handler and response parsers run on them; registered first so
  they win over moto's own ``before-send`` stub;
* ``after-call`` handlers edit a parsed response in place (missing fields,
  unexpected values).
"""
from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Callable, Iterable

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from botocore.session import get_session
from botocore.utils import hyphenize_service_id

from pytest_cis_aws.aws.errors import iam_action


class _Body:
    """The raw stream AWSResponse reads its content from."""

    def __init__(self, data: bytes):
        self._data = data

    def stream(self, **_kwargs):
        yield self._data


def _model(service: str):
    return get_session().get_service_model(service)


def event_service(service: str) -> str:
    """The service part of botocore event names (``before-send.<this>.<Operation>``)."""
    return hyphenize_service_id(_model(service).service_id)


def _cbor_text(text: str) -> bytes:
    data = text.encode()
    assert len(data) < 256, "short error strings only"
    return (bytes([0x60 + len(data)]) if len(data) < 24 else bytes([0x78, len(data)])) + data


def error_body(service: str, code: str, message: str) -> tuple[dict, bytes]:
    """Headers and body of an AWS error answer in ``service``'s wire protocol."""
    model = _model(service)
    # the protocol the client speaks (CloudWatch's model lists CBOR first, but clients
    # resolve to one they support)
    protocol = getattr(model, "resolved_protocol", None) or model.protocol
    if protocol == "ec2":
        body = f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors></Response>"
        return {"Content-Type": "text/xml"}, body.encode()
    if protocol == "query":
        body = f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error></ErrorResponse>"
        return {"Content-Type": "text/xml"}, body.encode()
    if protocol == "rest-xml":
        return {"Content-Type": "application/xml"}, f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()
    if protocol in ("json", "rest-json"):
        headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-errortype": code}
        return headers, json.dumps({"__type": code, "message": message}).encode()
    if protocol == "smithy-rpc-v2-cbor":
        body = bytes([0xA2]) + _cbor_text("__type") + _cbor_text(code) + _cbor_text("message") + _cbor_text(message)
        return {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}, body
    raise ValueError(f"the fault injector speaks no {protocol} protocol (service {service})")


def http_response(url: str, status: int, headers: dict, body: bytes) -> AWSResponse:
    return AWSResponse(url, status, headers, _Body(body))


def access_denied(action: str) -> tuple[AWSResponse, dict]:
    """What botocore makes of a 403 AccessDenied answer: (http, parsed)."""
    error = {"Code": "AccessDenied", "Message": f"not authorized to perform: {action}"}
    return http_response("https://denied.invalid", 403, {}, b""), {
        "Error": error,
        "ResponseMetadata": {"HTTPStatusCode": 403},
    }


class AccessDenied:
    """Every operation of a service answers AccessDenied, naming the action.

    ``denied`` maps each account to the one service it is denied, so one run can
    deny a different service in each account and still be read account by account.
    """

    def __init__(self, denied: dict[str, str]):
        self.denied = denied

    def pytest_cis_configure_session(self, session, account):
        service = self.denied.get(account)
        if service:
            session.events.register_last(
                f"before-call.{event_service(service)}",
                lambda model, **_: access_denied(iam_action(service, model.name)),
            )


class AssumeRoleDenied:
    """The base credentials may not assume the audit role in ``account``."""

    def __init__(self, account: str):
        self.account = account

    def pytest_cis_configure_session(self, session, account):
        if account == "base":
            session.events.register("before-parameter-build.sts.AssumeRole", self._refuse)

    def _refuse(self, params, **_kwargs):
        if f"::{self.account}:" in params.get("RoleArn", ""):
            http, parsed = access_denied("sts:AssumeRole")
            raise ClientError(parsed, "AssumeRole")


class RegionNotOptedIn:
    """``ec2:DescribeRegions`` reports ``region`` as an opt-in region the account has not enabled."""

    def __init__(self, region: str):
        self.region = region

    def pytest_cis_configure_session(self, session, account):
        session.events.register("after-call.ec2.DescribeRegions", self._disable)

    def _disable(self, parsed, **_kwargs):
        regions = [r for r in parsed.get("Regions", []) if r.get("RegionName") != self.region]
        regions.append({"RegionName": self.region, "Endpoint": f"ec2.{self.region}.amazonaws.com",
                        "OptInStatus": "not-opted-in"})
        parsed["Regions"] = regions


class Throttle:
    """The first ``burst`` sends of every distinct request of ``services`` are throttled.

    ``burst=None`` throttles forever: no number of retries gets through.
    """

    def __init__(self, services: Iterable[str], burst: int | None, code: str = "ThrottlingException"):
        self.by_event = {event_service(s): s for s in services}
        self.burst = burst
        self.code = code
        self.sent = Counter()
        self.throttled = 0
        self._lock = threading.Lock()

    def pytest_cis_configure_session(self, session, account):
        for event in self.by_event:
            session.events.register_first(f"before-send.{event}", self._maybe_throttle)

    def _maybe_throttle(self, request, event_name, **_kwargs):
        service = self.by_event[event_name.split(".")[1]]
        body = request.body or b""
        key = (event_name, request.url, body if isinstance(body, bytes) else str(body))
        with self._lock:
            self.sent[key] += 1
            if self.burst is not None and self.sent[key] > self.burst:
                return None
            self.throttled += 1
        headers, body = error_body(service, self.code, "Rate exceeded")
        return http_response(request.url, 400, headers, body)


class Garbage:
    """One operation answers HTTP 200 with a body its parser cannot read."""

    def __init__(self, service: str, operation: str, body: bytes = b"<<<this is not a response"):
        self.service, self.operation, self.body = service, operation, body

    def pytest_cis_configure_session(self, session, account):
        event = f"before-send.{event_service(self.service)}.{self.operation}"
        session.events.register_first(event, self._answer)

    def _answer(self, request, **_kwargs):
        return http_response(request.url, 200, {"Content-Type": "text/xml"}, self.body)


class Edit:
    """One operation's parsed response is changed in place by ``edit(parsed)``."""

    def __init__(self, service: str, operation: str, edit: Callable[[dict], None]):
        self.service, self.operation, self.edit = service, operation, edit

    def pytest_cis_configure_session(self, session, account):
        event = f"after-call.{event_service(self.service)}.{self.operation}"
        session.events.register(event, self._edit)

    def _edit(self, parsed, **_kwargs):
        self.edit(parsed)
