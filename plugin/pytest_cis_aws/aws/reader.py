"""The cached client layer every control reads AWS through.

Each distinct (account, region, service, operation, parameters) call is made at
most once per run: results (or the error AWS answered) are kept in a table keyed by
:func:`snapshot.call_key`. The same table is the snapshot written by
``--aws-snapshot-out`` and handed to xdist workers, so a replaying reader answers
from it without AWS.
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

import botocore.exceptions
import botocore.parsers
from botocore import xform_name

from . import pacing, snapshot
from .errors import AwsCallError
from .sessions import AccountUnavailable, SessionFactory

NOT_IN_SNAPSHOT = "NotInSnapshot"


@dataclass(frozen=True)
class Read:
    """The result of one read: a value, or the error that prevented it."""

    value: Any
    error: AwsCallError | None = None


class AwsReader:
    def __init__(self, sessions: SessionFactory | None = None, recorded: dict | None = None, max_concurrent: int = 16):
        """``sessions`` None means replay: only ``recorded`` answers. At most ``max_concurrent``
        requests are in flight at once, however many threads ask (--aws-max-workers)."""
        self._sessions = sessions
        self._slots = threading.BoundedSemaphore(max(1, max_concurrent))
        self._entries: dict[str, dict] = dict(recorded or {})
        self._inflight: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self.requests = Counter()  # (service, operation) -> API requests sent (pages included)
        self.fetched: list[str] = []  # keys fetched from AWS, in order: one per logical call

    @property
    def live(self) -> bool:
        return self._sessions is not None

    @property
    def entries(self) -> dict[str, dict]:
        with self._lock:
            return dict(self._entries)

    def forget_answers(self) -> None:
        """Drop the table once no read can come any more (the units are built and nothing will
        write it): a replay of a large estate keeps its decoded snapshot otherwise. The counts
        stay; a later read is fetched again, or on replay answers NotInSnapshot."""
        with self._lock:
            self._entries.clear()

    def call_stats(self) -> dict[str, int]:
        """Logical AWS calls made, how many were distinct, and API requests sent (pages)."""
        with self._lock:
            return {
                "calls": len(self.fetched),
                "distinct": len(set(self.fetched)),
                "requests": sum(self.requests.values()),
            }

    def count_request(self, service: str, operation: str) -> None:
        with self._lock:
            self.requests[(service, operation)] += 1

    def call(
        self,
        account: str,
        region: str,
        service: str,
        operation: str,
        params: dict | None = None,
        absent: Iterable[str] = (),
    ) -> Any:
        """The operation's (fully paginated) response; raises AwsCallError.

        ``absent`` lists error codes that mean "not configured" (NoSuchBucketPolicy):
        for those the result is None, not an error.
        """
        params = params or {}
        key = snapshot.call_key(account, region, service, operation, params)
        entry = self._entry(key, account, region, service, operation, params)
        if "error" in entry:
            error = AwsCallError.from_dict(entry["error"])
            if error.code in set(absent):
                return None
            raise error
        return entry["response"]

    def read(self, *args, **kwargs) -> Read:
        """Like :meth:`call`, but hands the error back instead of raising it."""
        try:
            return Read(self.call(*args, **kwargs))
        except AwsCallError as error:
            return Read(None, error)

    # -- the table --------------------------------------------------------
    def _entry(self, key, account, region, service, operation, params) -> dict:
        with self._lock:
            if key in self._entries:
                return self._entries[key]
            if not self.live:
                return _error_entry(
                    account, region, service, operation, NOT_IN_SNAPSHOT,
                    "the snapshot holds no response for this call",
                )
            waiting = self._inflight.get(key)
            if waiting is None:
                self._inflight[key] = threading.Event()
        if waiting is not None:
            waiting.wait()
            with self._lock:
                return self._entries[key]
        with self._slots, pacing.holding(self._slots):
            entry = self._fetch(account, region, service, operation, params)
        with self._lock:
            self.fetched.append(key)
            self._entries[key] = entry
            self._inflight.pop(key).set()
        return entry

    def _fetch(self, account, region, service, operation, params) -> dict:
        try:
            client = self._sessions.client(account, region, service)
            method = xform_name(operation)
            if client.can_paginate(method):
                response = client.get_paginator(method).paginate(**params).build_full_result()
            else:
                response = getattr(client, method)(**params)
            response.pop("ResponseMetadata", None)
            return {"response": response}
        except botocore.exceptions.ClientError as exc:
            error = exc.response.get("Error", {})
            code = error.get("Code") or str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "Error"))
            return _error_entry(account, region, service, operation, code, error.get("Message", ""))
        except AccountUnavailable as exc:
            return _error_entry(account, region, service, operation, "AccountUnavailable", str(exc))
        except (botocore.exceptions.BotoCoreError, botocore.parsers.ResponseParserError, OSError) as exc:
            # Throttling that outlasted retries surfaces as ClientError above; this is
            # the endpoint not answering, credentials missing, a malformed response
            # (botocore's ResponseParserError is not a BotoCoreError).
            return _error_entry(account, region, service, operation, type(exc).__name__, str(exc))

    def poll(self, account, region, service, operation, params=None, *, retry_on=(), attempts=30, delay=2.0):
        """:meth:`call`, retried while AWS answers one of ``retry_on`` (a report being built).

        Only the final answer is kept, so replay sees exactly what the live run used.
        """
        params = params or {}
        key = snapshot.call_key(account, region, service, operation, params)
        for attempt in range(attempts):
            try:
                return self.call(account, region, service, operation, params)
            except AwsCallError as error:
                if error.code not in retry_on or not self.live or attempt == attempts - 1:
                    raise
                with self._lock:
                    self._entries.pop(key, None)
                time.sleep(delay)
        raise AssertionError("unreachable")


def _error_entry(account, region, service, operation, code, message) -> dict:
    return {"error": AwsCallError(account, region, service, operation, code, message).to_dict()}
