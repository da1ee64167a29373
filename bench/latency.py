"""An HTTP proxy on 127.0.0.1 that answers every request ``latency_ms`` late.

A local moto server answers in a millisecond or two; AWS answers in tens of milliseconds.
Behind this proxy a live run pays a realistic round trip per request, so what is measured is
how many requests a tool makes and how well it overlaps them, not moto's speed. It counts
the requests it forwards, which gives the same count for any tool pointed at it.

With a :class:`~bench.throttling.Throttle` it also limits the request rate per (account,
region, operation) as AWS does, answering the service's own throttling error itself.
"""
from __future__ import annotations

import http.client
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .throttling import Throttle, identify, throttling_answer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection"}


class DelayingProxy:
    def __init__(self, target: str, latency_ms: float, throttle: Throttle | None = None):
        self.target = urlsplit(target)
        if self.target.hostname != "127.0.0.1":
            raise ValueError("the proxy only forwards to a local server on 127.0.0.1")
        self.latency = latency_ms / 1000.0
        self.requests = 0
        self.throttle = throttle
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> "DelayingProxy":
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def take_count(self) -> int:
        """Requests forwarded since the last call."""
        with self._lock:
            count, self.requests = self.requests, 0
        return count

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args):
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                with proxy._lock:
                    proxy.requests += 1
                time.sleep(proxy.latency)
                throttle = proxy.throttle
                request = throttle and identify(self.command, self.path, self.headers, body,
                                                throttle.accounts, throttle.caller)
                if request and not throttle.admit(request):
                    self._answer(*throttling_answer(request))
                    return
                upstream = getattr(self, "_upstream", None)
                if upstream is None:  # one upstream connection per client connection
                    upstream = self._upstream = http.client.HTTPConnection(
                        proxy.target.hostname, proxy.target.port, timeout=120)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                try:
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    answer = upstream.getresponse()
                    data = answer.read()
                except (OSError, http.client.HTTPException):
                    upstream.close()
                    self._upstream = None
                    raise
                if request and request.operation == "AssumeRole":
                    throttle.learn(body, data)
                headers = [(n, v) for n, v in answer.getheaders() if n.lower() not in HOP_BY_HOP]
                self._answer(answer.status, headers, data, answer.reason)

            def _answer(self, status, headers, data: bytes, reason=None):
                self.send_response(status, reason)
                for name, value in (headers.items() if isinstance(headers, dict) else headers):
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = do_PATCH = _forward

        return Handler
