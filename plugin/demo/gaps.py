"""Fillers for what moto does not implement, served beside moto in the demo server.

A filler answers one service's requests from state the seeding layer put here.
The demo server routes requests for these services to the filler instead of moto
(see server.py); our tests install the same fillers in-process via
``install_in_process`` (botocore's before-send event, as moto itself does).
"""
from __future__ import annotations

from typing import Callable, Protocol


class Filler(Protocol):
    # botocore signing name of the service, e.g. "access-analyzer"
    signing_name: str

    def handle(self, method: str, path: str, query: str, body: bytes, account: str, region: str) -> tuple[int, dict, bytes]:
        ...


FILLERS: dict[str, Filler] = {}


def register(filler: Filler) -> Filler:
    FILLERS[filler.signing_name] = filler
    return filler


def reset() -> None:
    for filler in FILLERS.values():
        reset_state: Callable | None = getattr(filler, "reset", None)
        if reset_state:
            reset_state()
