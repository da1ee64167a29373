"""Seeding the demo estate: one module per benchmark section, run in order.

Each module's ``seed(clients, accounts, regions)`` creates a realistic mix of
compliant and non-compliant resources, so every control shows both outcomes.
"""
from __future__ import annotations

from importlib import import_module

from ..clients import EstateClients

SECTIONS = ("section1", "section2", "section3", "section4", "section5", "examples", "owners")


def seed_all(clients: EstateClients, accounts: tuple[str, ...], regions: tuple[str, ...]) -> None:
    for name in SECTIONS:
        try:
            module = import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue  # that section has no demo resources yet
            raise
        module.seed(clients, accounts, regions)
