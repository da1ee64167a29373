"""Hooks this plugin adds to pytest (registered in ``pytest_addhooks``)."""
from __future__ import annotations

import pytest


@pytest.hookspec
def pytest_cis_configure_session(session, account: str) -> None:
    """Called for every boto3 session the audit opens (``account`` is "base" for the
    caller's own credentials). Use it to register botocore event handlers, e.g. to
    add request logging, or (in our tests) to inject faults."""
