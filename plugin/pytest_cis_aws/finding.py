"""One finding: what a control test decided about one unit, typed and frozen.

A finding is made once: from a test's report (``Finding.from_properties``, the ``cis_*``
user properties, plain strings so they cross from xdist workers), or
from a findings file (``Finding.from_json``, the inverse of ``to_json``). Every renderer,
the gate and cis-merge read its attributes; nothing parses its evidence or its fix again.

A run keeps every finding until its end (118,000 units at organisation scale): slots, and
the strings a control's findings share (title, section, check...) held once, not per finding.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any, Iterable

from .fixes.model import Fix, placeholders_in

# The outcome properties' names start with this (outcomes.properties writes them).
PREFIX = "cis_"


def _shared(text: str) -> str:
    """One string object for a value many findings repeat (a control's title, a region)."""
    return sys.intern(str(text))


def identity_of(check: str, account: str, region: str, resource: str, label: str = "") -> tuple[str, str, str, str]:
    """What one unit *is* across runs and benchmark versions: the check (which a version's
    control id may renumber, never the check), the account, the region, and the resource, or
    the unit's label where it has no resource id."""
    return (check, account, region, resource or label)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One API call's deciding fields, as a control recorded them (controls.evidence)."""

    source: str  # the call as an IAM action: "iam:GetCredentialReport"
    fields: tuple[tuple[str, Any], ...] = ()  # (name, JSON value), in the recorded order

    @classmethod
    def from_json(cls, item: dict) -> "Evidence":
        fields = item.get("fields") or {}
        return cls(_shared(item.get("source", "")), tuple((_shared(name), value) for name, value in fields.items()))

    def to_json(self) -> dict:
        # The key order of the JSON text a run records (sorted), so a file reads the same.
        return {"fields": dict(self.fields), "source": self.source}


def evidence_from_text(text: str | None) -> tuple[Evidence, ...]:
    return tuple(map(Evidence.from_json, json.loads(text))) if text else ()


@dataclass(frozen=True, slots=True)
class WaiverNote:
    """The waiver that made a finding WAIVED, as the finding carries it."""

    id: str
    reason: str = ""
    owner: str = ""
    expires: str = ""  # ISO date

    def to_json(self) -> dict:
        return {"id": self.id, "reason": self.reason, "owner": self.owner, "expires": self.expires}

    @classmethod
    def from_json(cls, data: dict) -> "WaiverNote":
        return cls(str(data["id"]), str(data["reason"]), str(data["owner"]), str(data["expires"]))


def fix_from_json(value) -> Fix | None:
    """A fix as a run records it ({"command": ..., "placeholders": [...]} or {"command": null,
    "why": ...}), as JSON text or parsed; a findings file from before fixes were structured
    holds a bare command."""
    if not value:
        return None
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return Fix(value, placeholders_in(value))
        value = parsed
    if not isinstance(value, dict):
        return None
    if value.get("command") is None:
        return Fix.none(str(value.get("why", "")))
    return Fix(str(value["command"]), tuple(value.get("placeholders") or ()))


@dataclass(frozen=True, slots=True)
class Finding:
    control: str
    title: str
    level: int
    section: str
    check: str  # the check and the rules the version changed for it ("1.5+C4")
    assessment: str  # the benchmark's Automated/Manual label
    account: str
    region: str
    resource: str
    label: str  # the readable unit: "user/alice", "bucket/app-logs"; "" for some units
    status: str
    message: str
    test_id: str
    evidence: tuple[Evidence, ...] = ()
    fix: Fix | None = None  # FAIL, WAIVED and KNOWN units (report/report_writers.py)
    waiver: WaiverNote | None = None  # WAIVED units
    owner: str | None = None  # --cis-owner-tag (owners.assign); None: owners were not read

    # -- made once ------------------------------------------------------------------
    @classmethod
    def from_properties(cls, properties: Iterable[tuple[str, Any]], test_id: str) -> "Finding | None":
        """The finding a report's user properties carry, or None when they carry no verdict."""
        values = {str(name)[len(PREFIX):]: value for name, value in properties if str(name).startswith(PREFIX)}
        if "status" not in values:
            return None
        waiver = values.get("waiver")
        return cls(
            control=_shared(values["control"]), title=_shared(values["title"]), level=int(values["level"]),
            section=_shared(values["section"]), check=_shared(values["check"]),
            assessment=_shared(values["assessment"]), account=_shared(values["account"]),
            region=_shared(values["region"]), resource=values["resource"], label=values["label"],
            status=_shared(values["status"]), message=values["message"], test_id=test_id,
            evidence=evidence_from_text(values.get("evidence")),
            fix=fix_from_json(values.get("fix")),
            waiver=WaiverNote(waiver, values.get("waiver_reason", ""), values.get("waiver_owner", ""),
                              values.get("waiver_expires", "")) if waiver else None,
        )

    @classmethod
    def from_json(cls, entry: dict, check: str | None = None) -> "Finding":
        """A findings file's entry (``to_json``'s). ``check``: the check to assume where an
        older file names only the control (identity.check_of)."""
        test_id = str(entry.get("test_id", ""))
        account, region = str(entry["account"]), str(entry["region"])
        control = str(entry.get("control", ""))
        return cls(
            control=_shared(control), title=_shared(entry.get("title", "")), level=_level(entry.get("level")),
            # A file does not hold the section: a CIS id's first part, or a team's own section.
            section=_shared(control.split(".")[0]), check=_shared(entry.get("check") or check or ""),
            assessment=_shared(entry.get("assessment", "")), account=_shared(account), region=_shared(region),
            resource=str(entry.get("resource", "")), label=_label_in(test_id, account, region),
            status=_shared(entry.get("status", "")), message=str(entry.get("message", "")), test_id=test_id,
            evidence=tuple(map(Evidence.from_json, entry.get("evidence") or ())),
            fix=fix_from_json(entry.get("fix")),
            waiver=WaiverNote.from_json(entry["waiver"]) if entry.get("waiver") else None,
            owner=str(entry["owner"]) if "owner" in entry else None,
        )

    # -- written once ---------------------------------------------------------------
    def to_json(self, owners: bool = False) -> dict:
        """The finding as a findings file holds it (``owners``: the run read owners,
        --cis-owner-tag). The README documents these keys, in this order."""
        return {
            "control": self.control, "title": self.title, "level": self.level, "check": self.check,
            "assessment": self.assessment, "account": self.account, "region": self.region,
            "resource": self.resource, "status": self.status, "message": self.message, "test_id": self.test_id,
            **({"owner": self.owner or ""} if owners else {}),
            "waiver": self.waiver.to_json() if self.waiver else None,
            "evidence": [item.to_json() for item in self.evidence],
            # FAIL, WAIVED and KNOWN: {"command": ..., "placeholders": [...]} or {"command": null, "why": ...}
            **({"fix": self.fix.to_dict()} if self.fix else {}),
        }

    # -- what it is about -------------------------------------------------------------
    @property
    def identity(self) -> tuple[str, str, str, str]:
        """(check, account, region, resource or label): the same unit in any run of any benchmark
        version (identity.py; baselines, cis-diff, OSCAL UUIDs and the history use it)."""
        return identity_of(self.check or self.control, self.account, self.region, self.resource, self.label)

    @property
    def unit_name(self) -> str:
        """The readable unit, as in the test id: ``<account>-<region>-<label>`` (collectors/base.py)."""
        return "-".join((self.account, self.region, self.label) if self.label else (self.account, self.region))


def _level(value) -> int:
    """A file's level (a number; a hand-written file may say "1"); 0 when it has none."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _label_in(test_id: str, account: str, region: str) -> str:
    """The unit's label, from the test id a findings file keeps (it does not keep the label):
    the unit id is "<account>-<region>-<label>", or "<account>-<region>" for a unit without one."""
    unit = test_id.split("[", 1)[-1].rstrip("]")
    place = f"{account}-{region}"
    return "" if unit == place else unit.removeprefix(place + "-")
