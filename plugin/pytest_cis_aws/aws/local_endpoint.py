"""S3 Control against a local endpoint (the demo's moto server, LocalStack).

S3 Control's endpoint rules put the account id in front of the host
(``111111111111.s3-control...``). ``inject_host_prefix=False`` does not stop that: the
prefix comes from the endpoint ruleset, not from the operation's host-prefix trait. A
local endpoint has no such host names, so the account label is taken off again before
the request is signed. Only registered when AWS_ENDPOINT_URL (or an explicit endpoint)
is in use; real AWS keeps its own host names.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

_ACCOUNT_LABEL = re.compile(r"^\d{12}\.")


def strip_account_host(request, **_kwargs) -> None:
    parts = urlsplit(request.url)
    if _ACCOUNT_LABEL.match(parts.netloc):
        request.url = urlunsplit(parts._replace(netloc=_ACCOUNT_LABEL.sub("", parts.netloc, count=1)))


def register(client) -> None:
    """Keep an s3control client's requests on the local endpoint's own host."""
    client.meta.events.register("before-sign.s3-control", strip_account_host)
