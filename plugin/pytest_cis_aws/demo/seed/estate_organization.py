"""The demo estate as an organisation, so ``--aws-demo --aws-accounts all`` has one to list.

Demo seeding, not the audit path: it writes to the demo's moto server. moto's
CreateAccount picks random account ids while the demo's accounts have fixed ones, so
each member is created through the API and moto's record then takes the demo id. One
more member is closed, to show a suspended account being skipped.
"""
from __future__ import annotations

from ..clients import CALLER_ACCOUNT, EstateClients

CLOSED_DEMO_ACCOUNT = "444444444444"


def seed_organization(clients: EstateClients, accounts: tuple[str, ...]) -> None:
    from moto.organizations.models import organizations_backends

    org = clients.client("organizations")  # the demo's caller is the management account
    org.create_organization(FeatureSet="ALL")
    backend = organizations_backends[CALLER_ACCOUNT]["aws"]
    for account in (*accounts, CLOSED_DEMO_ACCOUNT):
        status = org.create_account(AccountName=f"demo-{account}", Email=f"demo-{account}@example.com")
        created = status["CreateAccountStatus"]["AccountId"]
        next(a for a in backend.accounts if a.id == created).id = account
        organizations_backends.master_accounts[account] = organizations_backends.master_accounts.pop(created)
    org.close_account(AccountId=CLOSED_DEMO_ACCOUNT)
