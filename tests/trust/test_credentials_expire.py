"""A run that outlives its accounts' assumed-role credentials refreshes them and loses no unit.

moto never expires credentials, so :class:`ShortLived` does what STS and every AWS endpoint
would: AssumeRole answers credentials that expire 20 minutes later by the run's credential
clock (``sessions.now``, which the test moves), and an endpoint answers ``ExpiredToken`` to a
request signed with credentials whose expiry that clock has passed. Mid-run, after a number
of requests, the clock jumps 30 minutes ahead: every account's first credentials are then
expired, and the units must all be there, as in a run without the jump.
"""
from __future__ import annotations

import datetime as dt
import re
import threading
import time

from bench.seed import Counts, seed_estate
from pytest_cis_aws.aws import sessions
from tests.harness import A, B
from tests.trust.faults import error_body, http_response
from tests.trust.matrix import unit_key

REGION = "us-east-1"
LIFETIME = dt.timedelta(minutes=20)
JUMP = dt.timedelta(minutes=30)
KEY = re.compile(r"Credential=([^/]+)/")


class ShortLived:
    """Assumed-role credentials that expire by a clock the test moves: after ``jump_after``
    requests of the audited accounts, the clock is ``JUMP`` later."""

    def __init__(self, jump_after: int):
        self.jump_after = jump_after
        self.offset = dt.timedelta(0)
        self.expiry: dict[str, dt.datetime] = {}  # access key id -> when it expires
        self.assumed = 0
        self.signed_after_jump = 0
        self.expired_used = 0
        self._sent = 0
        self._jumped_at: dt.datetime | None = None  # the real time of the jump, to the second
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc) + self.offset

    def pytest_cis_configure_session(self, session, account):
        if account == "base":
            session.events.register("after-call.sts.AssumeRole", self._short_lived)
        else:
            session.events.register_first("before-send", self._check)

    def _short_lived(self, parsed, **_):
        creds = parsed.get("Credentials")
        if creds:
            creds["Expiration"] = self.now() + LIFETIME
            with self._lock:
                self.assumed += 1
                self.expiry[creds["AccessKeyId"]] = creds["Expiration"]

    def _check(self, request, event_name, **_):
        key = KEY.search(_header(request, "Authorization"))
        # When it was signed (SigV4's own stamp, to the second): a request signed before the
        # jump and sent after it is judged by the clock it was signed by, as AWS would.
        signed = dt.datetime.strptime(_header(request, "X-Amz-Date"), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
        with self._lock:
            self._sent += 1
            if self._sent == self.jump_after:
                self.offset += JUMP
                self._jumped_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
                # SigV4 stamps whole seconds: requests are held (under the lock) until the
                # next one, so a later stamp means signed after the jump. Under a second, once.
                time.sleep(max(0.0, (self._jumped_at + dt.timedelta(seconds=1) - dt.datetime.now(dt.timezone.utc)).total_seconds()))
            after_jump = self._jumped_at is not None and signed > self._jumped_at
            self.signed_after_jump += after_jump
            signed_by_clock = signed + (self.offset if after_jump else dt.timedelta(0))
            expires = self.expiry.get(key.group(1)) if key else None
            if expires is None or signed_by_clock < expires:
                return None
            self.expired_used += 1
        service = event_name.split(".")[1]
        headers, body = error_body(_service_of(service), "ExpiredToken", "The security token included in the request is expired")
        return http_response(request.url, 400, headers, body)


def _header(request, name: str) -> str:
    value = request.headers.get(name, b"")
    return value.decode() if isinstance(value, bytes) else value


def _service_of(event_service: str) -> str:
    return {"cloudwatch": "cloudwatch", "cloudtrail": "cloudtrail"}.get(event_service, event_service)


def test_credentials_expiring_mid_run_are_refreshed_and_no_unit_is_lost(audit, moto, monkeypatch):
    seed_estate(moto, [A, B], [REGION], Counts(users=2, buckets=1, vpcs=0, security_groups=1, instances=1, trails=1),
                workers=1)
    baseline = audit(accounts=[A, B], regions=[REGION])

    clock = ShortLived(jump_after=40)
    monkeypatch.setattr(sessions, "now", clock.now)
    run = audit(accounts=[A, B], regions=[REGION], plugins=[clock])

    assert clock.signed_after_jump > 0, "the clock never passed the credentials' expiry"
    assert clock.assumed >= 4, "each account's credentials were assumed once and never refreshed"
    assert clock.expired_used == 0, "a request was signed with expired credentials"
    assert [(unit_key(f), f.status, f.message) for f in run.findings] == [
        (unit_key(f), f.status, f.message) for f in baseline.findings
    ]


def test_expired_credentials_would_be_errors_without_the_refresh(audit, moto, monkeypatch):
    """The check above has teeth: credentials that are never refreshed (a clock that
    botocore's refresh does not see) turn the requests after the jump into ERRORs."""
    seed_estate(moto, [A], [REGION], Counts(users=1, buckets=1, vpcs=0, security_groups=1, instances=1, trails=1),
                workers=1)
    clock = ShortLived(jump_after=20)
    run = audit(accounts=[A], regions=[REGION], plugins=[clock])  # sessions.now left as it is
    assert clock.expired_used > 0
    assert any(f.status == "ERROR" and "ExpiredToken" in f.message for f in run.findings)
