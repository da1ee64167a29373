"""A snapshot at organisation scale, made from a real recorded one.

Seeding moto with 23,000 units takes far longer than auditing them, so the replay
benchmark records one richly seeded account against a moto server (a real
``--aws-snapshot-out``), then clones that account into as many accounts as asked by
rewriting its id everywhere it appears (call keys, ARNs, owner ids). The result is a
valid snapshot the real replay path (``--aws-snapshot``) reads like any other.
"""
from __future__ import annotations

import json
from pathlib import Path

from pytest_cis_aws.aws import snapshot


def clone_accounts(recorded: Path, source_account: str, accounts: list[str], out: Path) -> Path:
    text = recorded.read_text()
    data = json.loads(text)
    estate = data["estate"]
    template = next(a for a in estate["accounts"] if a["id"] == source_account)
    calls_text = json.dumps(data["calls"])
    # Calls of the source account only (the base account's sts calls are not in the table).
    calls: dict = {}
    for account in accounts:
        calls.update(json.loads(calls_text.replace(source_account, account)))
    estate["accounts"] = [{**template, "id": account} for account in accounts]
    data["calls"] = calls
    data.pop("stats", None)
    out.write_text(json.dumps(data))
    snapshot.read(out)  # the replay path must accept it
    return out
