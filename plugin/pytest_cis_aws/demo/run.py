"""``--aws-demo``: start the demo server, seed it, and point the audit at it."""
from __future__ import annotations

import dataclasses
import os

import pytest

from .. import registry
from ..audit_options import DEFAULT_ROLE, AuditOptions
from .clients import SEED_ROLE, EstateClients
from .seed import later_versions, organizations, seed_all
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
    regions = options.regions or DEMO_REGIONS
    accounts = seed_demo(EstateClients(server.url), options.accounts, regions, options.benchmark,
                         all_accounts=options.gating.all_accounts)
    return dataclasses.replace(
        options,
        accounts=accounts,
        regions=regions,
        role_name=SEED_ROLE if options.role_name == DEFAULT_ROLE else options.role_name,
        profile=None,
    )


def seed_demo(clients: EstateClients, accounts: tuple[str, ...] | None, regions: tuple[str, ...], benchmark: str,
              all_accounts: bool = False) -> tuple[str, ...]:
    """Seed the demo estate for ``benchmark``; returns the accounts to audit.

    Every version gets the sections' estate. A version with v7.0.0's resource checks also gets
    their resources, and one with the AWS Organizations checks two organizations whose
    management accounts are audited beside the demo's accounts (when the accounts are the
    demo's own). Other versions' estates are as they always were.
    """
    chosen = accounts or DEMO_ACCOUNTS
    seeded = _seeded(chosen)
    seed_all(clients, seeded, regions)
    checks = {c.check for c in registry.controls(benchmark)}
    if checks & later_versions.CHECKS:
        later_versions.seed(clients, seeded, regions)
    if all_accounts:  # --aws-accounts all: the demo estate as one organisation
        from .seed.estate_organization import seed_organization

        seed_organization(clients, chosen)
        return chosen
    if checks & organizations.CHECKS and not accounts:
        return organizations.seed(clients, chosen, regions)
    return chosen


def _seeded(audited: tuple[str, ...]) -> tuple[str, ...]:
    """The accounts to seed so that ``audited`` are audited as the demo has them.

    The seed gives three accounts three roles (well run, neglected, half done). Seeding one
    or two accounts would give an account two roles, and moto refuses the second role's
    resources of the same name (EntityAlreadyExists). So the demo's own accounts are always
    seeded in their own roles, and only the ones listed are audited; accounts of the user's
    own take the first roles, the demo's accounts the roles left over.
    """
    if set(audited) <= set(DEMO_ACCOUNTS):
        return DEMO_ACCOUNTS
    return tuple(dict.fromkeys((*audited, *DEMO_ACCOUNTS)))[:max(len(DEMO_ACCOUNTS), len(audited))]


def _restore(saved: dict[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
