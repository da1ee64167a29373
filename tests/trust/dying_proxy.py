"""An HTTP proxy on 127.0.0.1 that forwards to a moto server, then stops answering.

After ``answer`` requests it closes every connection without a reply and stops
listening: the audit sees an endpoint that died mid-run (connection reset, then
connection refused), the way a VPN drop or an endpoint outage looks to botocore.
"""
from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


class DyingProxy:
    def __init__(self, target: str, answer: int):
        self.target = urlsplit(target)
        assert self.target.hostname == "127.0.0.1", "the proxy only forwards to a local moto server"
        self.answer = answer
        self.answered = 0
        self.refused = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "DyingProxy":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _admit(self) -> bool:
        with self._lock:
            if self.answered >= self.answer:
                self.refused += 1
                if self.refused == 1:  # stop listening: later connections are refused
                    threading.Thread(target=self.stop, daemon=True).start()
                return False
            self.answered += 1
            return True

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args):  # keep the test output quiet
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if not proxy._admit():
                    self.close_connection = True  # drop it: no status line, no body
                    return
                upstream = http.client.HTTPConnection(proxy.target.hostname, proxy.target.port, timeout=30)
                try:
                    upstream.request(self.command, self.path, body=body, headers=dict(self.headers))
                    answer = upstream.getresponse()
                    data = answer.read()
                finally:
                    upstream.close()
                self.send_response(answer.status, answer.reason)
                for name, value in answer.getheaders():
                    if name.lower() not in HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _forward

        return Handler
