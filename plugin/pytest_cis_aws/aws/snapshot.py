"""Snapshots: every AWS response a run used, in one JSON file.

A snapshot lets a run be replayed with no AWS access (``--aws-snapshot``) and is how
the xdist controller hands its evidence to the workers, so every process sees the
same estate and no call is made twice.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path
from typing import Any

FORMAT = "cis-aws-snapshot/1"


def call_key(account: str, region: str, service: str, operation: str, params: dict) -> str:
    """A stable text key for one distinct AWS call."""
    return json.dumps(
        [account, region, service, operation, params], sort_keys=True, default=str, separators=(",", ":")
    )


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, (bytes, bytearray)):
        return {"__bytes__": base64.b64encode(bytes(value)).decode()}
    if hasattr(value, "read"):  # streaming bodies are read by the reader before storing
        raise TypeError("streaming bodies must be read before they are stored")
    raise TypeError(f"cannot store {type(value).__name__} in a snapshot")


def _decode(obj: dict) -> Any:
    if len(obj) == 1:
        if "__datetime__" in obj:
            return dt.datetime.fromisoformat(obj["__datetime__"])
        if "__bytes__" in obj:
            return base64.b64decode(obj["__bytes__"])
    return obj


def dumps(data: Any) -> str:
    return json.dumps(data, default=_encode, sort_keys=True)


def loads(text: str) -> Any:
    return json.loads(text, object_hook=_decode)


def write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(dumps({"format": FORMAT, **data}))
    tmp.replace(path)


class SnapshotError(ValueError):
    """A snapshot file that cannot be used; the message says why, in one sentence."""


def read(path: Path) -> dict:
    if not path.is_file():
        raise SnapshotError(f"snapshot file {path} does not exist")
    try:
        data = loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"snapshot file {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SnapshotError(f"snapshot file {path} was not written by --aws-snapshot-out")
    return data
