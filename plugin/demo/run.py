"""``--aws-demo``: start the demo server, seed it, and point the audit at it."""
from __future__ import annotations

import dataclasses
import os

import pytest

from ..options import DEFAULT_ROLE, AuditOptions
from .clients import SEED_ROLE, EstateClients
from .seed import seed_all
from .server import DemoServer

DEMO_ACCOUNTS = ("111111111111", "222222222222", "333333333333")
DEMO_REGIONS = ("us-east-1", "eu-west-1")
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "demo",
    "AWS_SECRET_ACCESS_KEY": "demo",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def start_demo(config: pytest.Config, options: AuditOptions) -> AuditOptions:
    """Start and seed the demo estate; returns the options that audit it."""
    server = DemoServer().start()
    config.add_cleanup(server.stop)
    saved = {name: os.environ.get(name) for name in (*ENVIRONMENT, "AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN")}
    config.add_cleanup(lambda: _restore(saved))
    os.environ.update(ENVIRONMENT)
    os.environ["AWS_ENDPOINT_URL"] = server.url
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)
    accounts = options.accounts or DEMO_ACCOUNTS
    regions = options.regions or DEMO_REGIONS
    seed_all(EstateClients(server.url), accounts, regions)
    if options.gating.all_accounts:  # --aws-accounts all: the demo estate as an organisation
        from ..gating.demo_organization import seed_organization

        seed_organization(EstateClients(server.url), accounts)
    return dataclasses.replace(
        options,
        accounts=accounts,
        regions=regions,
        role_name=SEED_ROLE if options.role_name == DEFAULT_ROLE else options.role_name,
        profile=None,
    )


def _restore(saved: dict[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
