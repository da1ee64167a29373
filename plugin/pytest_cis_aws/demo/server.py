"""A moto server on 127.0.0.1 with the demo's gap fillers in front of it."""
from __future__ import annotations

import io
import re
import threading

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from moto.iam.models import get_account_id_from  # moto's mapping of access keys to accounts

from . import gaps

_CREDENTIAL = re.compile(r"Credential=([^/]+)/\d+/([^/]+)/([^/]+)/")



def with_gap_fillers(app):
    """WSGI middleware: requests for a service moto lacks go to its filler."""

    def middleware(environ, start_response):
        request = Request(environ)
        match = _CREDENTIAL.search(request.headers.get("Authorization", ""))
        if match and match.group(3) in gaps.FILLERS:
            access_key, region, service = match.groups()
            data = request.get_data()
            answer = gaps.FILLERS[service].handle(
                request.method,
                request.path,
                request.query_string.decode(),
                data,
                get_account_id_from(access_key),
                region,
                headers=dict(request.headers),
            )
            if answer is not None:
                status, headers, body = answer
                return Response(body, status=status, headers=headers)(environ, start_response)
            # The filler answers only what moto lacks: the rest goes to moto, body intact.
            environ["wsgi.input"] = io.BytesIO(data)
            environ["CONTENT_LENGTH"] = str(len(data))
        return app(environ, start_response)

    return middleware


class _QuietHandler(WSGIRequestHandler):
    """The demo's requests are the audit's own: one log line each would bury its output."""

    def log_request(self, *args, **kwargs) -> None:
        pass


class DemoServer:
    def __init__(self, host: str = "127.0.0.1"):
        self.host = host
        self._server = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "DemoServer":
        from moto.server import DomainDispatcherApplication, create_backend_app

        gaps.patch_moto()
        app = with_gap_fillers(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self.host, 0, app, threaded=True, request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
