"""Throttling, handled per (account, region, operation), the unit AWS limits.

botocore's adaptive retry mode keeps one rate for a whole client: one throttled operation
(IAM's per-user reads, say) slows every other operation of that client, and its retries
give up after ``max_attempts``. Here each (account, region, service, operation) is a
:class:`Lane`. A lane AWS has never throttled sends freely. Once throttled it is *paced*:
its requests leave at most one per ``interval``, and the interval follows AWS's limit --
1.5 times longer after a throttling error (once per slow-down: errors for requests sent
before it count once), 5% shorter after each success. At that balance a small share of the
lane's requests is refused (one in five to one in twelve of all requests in the bench), so the
lane keeps AWS's bucket busy: it runs at AWS's limit, and other lanes, accounts and regions run
beside it at theirs.

Throttled requests are retried without a sleep of their own (the lane paces them) up to
:data:`THROTTLE_ATTEMPTS`; every other error keeps botocore's standard retries and the
run's ``--aws-max-attempts``.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from botocore.retries import standard

# botocore's own list, so a code botocore treats as throttling is one here too.
THROTTLING_CODES = frozenset(standard.ThrottledRetryableChecker._THROTTLED_ERROR_CODES)
# Attempts for a request AWS keeps throttling: the lane paces them, so this bounds a run
# against a limit far below what the audit needs, not the normal case (about 1 in 10).
THROTTLE_ATTEMPTS = 50
FIRST_INTERVAL_S = 0.1
MAX_INTERVAL_S = 20.0
SLOWER = 1.5
FASTER = 0.95
SENT_AT = "cis_lane_sent_at"


Key = tuple[str, str, str, str]  # account, region, service, operation


@dataclass
class Lane:
    """A (account, region, service, operation) AWS has throttled."""

    interval: float = 0.0  # seconds between requests
    next_at: float = 0.0  # when the next request may leave
    slowed_at: float = float("-inf")  # when the interval last grew


def sleep(seconds: float) -> None:
    """A lane's wait (tests replace it: they count attempts, not seconds)."""
    time.sleep(seconds)


class Pacer:
    def __init__(self, clock=time.monotonic):
        self._lanes: dict[Key, Lane] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self.throttled = 0  # throttling errors seen (for the run's figures)

    def lane(self, key: Key) -> Lane | None:
        """The key's lane, if AWS ever throttled it (only those are kept: a run makes tens of
        thousands of distinct calls, few of them throttled)."""
        with self._lock:
            return self._lanes.get(key)

    def wait_turn(self, key: Key) -> float:
        """Sleep until the key's lane lets a request leave; returns the time it leaves.

        No turn is booked ahead: a thread that wakes checks the lane again, so a slow-down
        spaces every request still waiting, not only those that arrive after it (requests
        booked at the old pace would all be refused, and each refusal would slow the lane
        again, far below AWS's rate)."""
        while True:
            with self._lock:
                now = self._clock()
                lane = self._lanes.get(key)
                if lane is None:
                    return now
                if now >= lane.next_at:
                    lane.next_at = now + lane.interval
                    return now
                wait = lane.next_at - now
            with _idle():
                sleep(wait)

    def on_throttled(self, key: Key, sent_at: float) -> None:
        with self._lock:
            self.throttled += 1
            lane = self._lanes.setdefault(key, Lane())
            if sent_at <= lane.slowed_at:
                return  # sent before the last slow-down: already accounted for
            now = self._clock()
            lane.interval = min(MAX_INTERVAL_S, lane.interval * SLOWER if lane.interval else FIRST_INTERVAL_S)
            lane.slowed_at = now
            lane.next_at = max(lane.next_at, now + lane.interval)

    def on_success(self, key: Key) -> None:
        with self._lock:
            lane = self._lanes.get(key)
            if lane is not None:
                lane.interval *= FASTER

    # -- botocore wiring --------------------------------------------------
    def attach(self, client, account: str, region: str) -> None:
        """Pace ``client``'s requests per operation, and let throttling errors be retried here
        while botocore's standard handler (the client's max attempts) decides every other retry."""
        service = client.meta.service_model.service_name
        event = client.meta.service_model.service_id.hyphenize()
        events = client.meta.events
        # Replace the standard handler botocore registered with one we can delegate to.
        events.unregister(f"needs-retry.{event}", unique_id=f"retry-config-{event}")
        botocore_retry = standard.register_retry_handler(
            client, max_attempts=client.meta.config.retries.get("total_max_attempts"))
        events.unregister(f"needs-retry.{event}", unique_id=f"retry-config-{event}")

        def before_send(request, operation_name, **_):
            request.context[SENT_AT] = self.wait_turn((account, region, service, operation_name))

        def needs_retry(response, attempts, operation, request_dict, **kwargs):
            key = (account, region, service, operation.name)
            code = response[1].get("Error", {}).get("Code") if response else None
            if code in THROTTLING_CODES:
                self.on_throttled(key, request_dict["context"].get(SENT_AT, 0.0))
                if attempts < THROTTLE_ATTEMPTS:
                    return 0  # retry at once: request-created waits for the lane's turn
                return None
            if response is not None and response[0].status_code < 300:
                self.on_success(key)
            return botocore_retry.needs_retry(
                response=response, attempts=attempts, operation=operation, request_dict=request_dict, **kwargs)

        events.register_first(f"request-created.{event}", before_send, unique_id=f"cis-pacing-send-{event}")
        events.register(f"needs-retry.{event}", needs_retry, unique_id=f"cis-pacing-retry-{event}")


# -- the reader's request slots ---------------------------------------------
# The reader bounds the requests in flight (--aws-max-workers); a request waiting for its
# lane is not in flight, so it lends its slot to other lanes meanwhile.
_held = threading.local()


@contextmanager
def holding(slot: threading.Semaphore):
    """Mark ``slot`` as the one this thread's request holds (acquired by the caller)."""
    _held.slot = slot
    try:
        yield
    finally:
        _held.slot = None


@contextmanager
def _idle():
    slot = getattr(_held, "slot", None)
    if slot is None:
        yield
        return
    slot.release()
    try:
        yield
    finally:
        slot.acquire()
