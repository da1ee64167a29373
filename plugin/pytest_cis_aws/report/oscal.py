"""``--cis-oscal PATH``: the run as one OSCAL assessment-results document (JSON).

Written with json and uuid only; the tests validate every document with compliance-trestle's
models (a test dependency: it needs Python >= 3.11 and pins its own dependencies exactly).

How our statuses read to an assessor (the README has this table too):

=============== ============ ===================================================================
status          observation  finding for the control and account (target.status)
=============== ============ ===================================================================
PASS            TEST         none of its own (the control is in reviewed-controls)
FAIL            TEST         not-satisfied, reason fail
KNOWN           TEST         not-satisfied, reason fail (already failing in the baseline)
ERROR           TEST         not-satisfied, reason other: the unit could not be evaluated
WAIVED          TEST         a risk with status deviation-approved (the waiver's owner, reason,
                             expiry as its deadline); satisfied, reason other, when every
                             failing unit of the control and account is waived
MANUAL          EXAMINE      none: the observation carries the facts a person must weigh
NOT_APPLICABLE  TEST         none: the observation's remarks say why the control does not apply
=============== ============ ===================================================================

UUIDs are UUIDv5s of the unit's identity (``identity.py``), so the same unit under the same
benchmark version has the same observation UUID run after run.
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from importlib import metadata
from pathlib import Path

from .. import identity
from ..finding import Finding, WaiverNote
from ..outcomes import ERROR, FAIL, KNOWN, MANUAL, NOT_APPLICABLE, PASS, WAIVED
from ..summary import SummaryState
from . import exchange
from .markdown import md_lines, md_text as markup

# The OSCAL version compliance-trestle's models implement (the test checks they agree).
OSCAL_VERSION = "1.2.1"
# Our own properties' namespace: a name, not a page to fetch.
NS = "urn:pytest-cis-aws:oscal"
CIS_BENCHMARKS = "https://www.cisecurity.org/benchmark/amazon_web_services"
NOT_SATISFIED, SATISFIED = "not-satisfied", "satisfied"
FAILING = (FAIL, KNOWN, ERROR, WAIVED)  # a control and account with one of these has a finding
_TOKEN = re.compile(r"^[_A-Za-z][\w.\-]*$")


def control_token(control_id: str) -> str:
    """OSCAL ids are tokens, which start with a letter: "1.10" becomes "cis-1.10"; a team's
    own control ("ORG.1") keeps its id."""
    return control_id if _TOKEN.match(control_id) else f"cis-{control_id}"


def _line(text: str) -> str:
    """One line of markup: whitespace collapsed, Markdown syntax escaped (text from AWS)."""
    return markup(text) or "-"


def _lines(text: str) -> str:
    """Several lines of markup, each escaped (a resource's fix names resources from AWS)."""
    return md_lines(text)


def _prop(name: str, value) -> dict | None:
    text = " ".join(str(value).split())  # a property value is one trimmed line
    return {"name": name, "ns": NS, "value": text} if text else None


def _props(**values) -> list[dict]:
    return [p for name, value in values.items() if (p := _prop(name.replace("_", "-"), value))]


def _times(state: SummaryState) -> tuple[str, str]:
    """When the evidence was read, and when the run ended. A replay's evidence was read when
    its snapshot was taken (the run's clock), so that is when it was collected."""
    times = [state.generated] + ([state.estate.started] if state.estate else [])
    return min(times).isoformat(), max(times).isoformat()


def _tool_version() -> str:
    try:
        return metadata.version(exchange.PRODUCT)
    except metadata.PackageNotFoundError:
        return "0"


class _Inventory:
    """The accounts and resources the observations are about, once each (local definitions).
    Each item goes to ``sink`` when first seen; only its UUID is kept."""

    def __init__(self, sink):
        self.seen: set[str] = set()
        self.sink = sink
        self.accounts: dict[str, str] = {}

    def _add(self, uid: str, make) -> str:
        if uid not in self.seen:
            self.seen.add(uid)
            self.sink(make())
        return uid

    def account(self, account: str) -> str:
        uid = self.accounts.get(account)
        if uid is None:  # a UUIDv5 is a SHA-1: once per account, not once per unit
            uid = self.accounts[account] = identity.unit_uuid("inventory-item", "", account)
        return self._add(uid, lambda: {"uuid": uid, "description": f"AWS account {account}",
                                       "props": _props(aws_account=account, asset_type="AwsAccount")})

    def resource(self, finding: Finding) -> str:
        uid = identity.unit_uuid("inventory-item", "", finding.account, finding.region, finding.resource)
        return self._add(uid, lambda: {
            "uuid": uid, "description": _line(f"{exchange.resource_type(finding)} {finding.resource}"),
            "props": _props(aws_account=finding.account, region=finding.region,
                            asset_id=exchange.resource_id(finding), asset_type=exchange.resource_type(finding))})


def _subjects(finding: Finding, inventory: _Inventory) -> list[dict]:
    account = finding.account
    subjects = [{"subject-uuid": inventory.account(account), "type": "inventory-item", "title": f"AWS account {account}"}]
    if exchange.resource_type(finding) != exchange.ACCOUNT_TYPE:
        subjects.append({"subject-uuid": inventory.resource(finding), "type": "inventory-item",
                         "title": _line(finding.resource)})
    return subjects


def _evidence(finding: Finding) -> list[dict]:
    """The deciding fields, one entry per API call they were read with."""
    out = []
    for item in finding.evidence:
        fields = "; ".join(f"{name} = {json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)}"
                           for name, value in item.fields)
        out.append({"description": _line(f"Read with {item.source}: {fields or 'no fields'}"),
                    "props": _props(api_call=item.source)})
    return out


def observation(finding: Finding, version: str, controls: dict, inventory: _Inventory, collected: str) -> dict:
    status = finding.status
    control = controls.get(finding.control)
    standard = exchange.standard(version, control)
    if finding.message:
        description = finding.message
    elif status == PASS:
        description = f"{finding.resource} complies with {standard} control {finding.control}."
    else:
        description = f"{finding.control} {finding.title}: {status}."
    out = {
        "uuid": identity.finding_uuid("observation", version, finding),
        "title": _line(f"{finding.control} {finding.title}: {finding.resource}"),
        "description": _line(description),
        "props": _props(status=status, control=finding.control, check=finding.check or finding.control,
                        level=finding.level, region=finding.region, test_id=finding.test_id,
                        owner=(finding.owner or "")),
        # A manual control is decided by a person examining the facts we read; the rest we tested.
        "methods": ["EXAMINE" if status == MANUAL else "TEST"],
        "types": ["finding" if status in FAILING else "control-objective"],
        "subjects": _subjects(finding, inventory),
        "collected": collected,
    }
    evidence = _evidence(finding)
    if evidence:
        out["relevant-evidence"] = evidence
    remarks = {
        MANUAL: "A person decides this control from the facts recorded here.",
        NOT_APPLICABLE: "The control does not apply to this unit; it is neither satisfied nor not.",
        ERROR: "The unit could not be evaluated; the description names the call AWS refused.",
        KNOWN: "Already failing in the baseline this run was compared with.",
        WAIVED: "Failing, and accepted by a waiver: see the related risk.",
    }.get(status)
    if remarks:
        out["remarks"] = remarks
    return out


def risk(finding: Finding, version: str, observation_uuid: str) -> dict:
    """A waived failure: the waiver is an approved deviation with a deadline (its expiry)."""
    waiver = finding.waiver or WaiverNote("")  # a findings file may say WAIVED and name none
    owner, reason, expires = waiver.owner, waiver.reason, waiver.expires
    out = {
        "uuid": identity.finding_uuid("risk", version, finding),
        "title": _line(f"Accepted deviation: {finding.control} on {finding.resource}"),
        "description": _line(finding.message or f"{finding.control} fails for {finding.resource}."),
        "statement": _line(f"Waiver {waiver.id} owned by {owner}, until {expires}: {reason}"),
        "props": _props(waiver=waiver.id, waiver_owner=owner, waiver_expires=expires),
        "status": "deviation-approved",
        "related-observations": [{"observation-uuid": observation_uuid}],
    }
    if expires:
        out["deadline"] = f"{expires}T23:59:59+00:00"  # a waiver applies up to and including that day
    return out


class _Failing:
    """A control's failing units in one account, as its OSCAL finding needs them: the first
    unit, the statuses, the fixes and the observations' UUIDs (not every finding kept)."""

    def __init__(self, first: Finding):
        self.first = first
        self.statuses: list[str] = []
        self.fixes: set[str] = set()
        self.uids: list[str] = []

    def add(self, finding: Finding, uid: str) -> None:
        self.statuses.append(finding.status)
        if finding.fix is not None:
            # The fix as its JSON text, as a run has always named it here.
            self.fixes.add(finding.fix.to_json())
        self.uids.append(uid)


def _finding(version: str, control, account: str, units: _Failing, risks: dict[str, str]) -> dict:
    statuses = units.statuses
    if FAIL in statuses or KNOWN in statuses:
        state, reason, why = NOT_SATISFIED, "fail", "At least one unit fails the control."
    elif ERROR in statuses:
        state, reason, why = NOT_SATISFIED, "other", "At least one unit could not be evaluated, and none fails."
    else:
        state, reason, why = SATISFIED, "other", "Every failing unit is accepted by a waiver (see the related risks)."
    first = units.first
    counts = ", ".join(f"{statuses.count(s)} {s}" for s in FAILING if s in statuses)
    fixes = sorted(units.fixes)
    remarks = _lines(exchange.remediation_text(control))
    if fixes:
        remarks += "\n\nFor these resources:\n\n" + "\n".join(f"- {_line(fix)}" for fix in fixes)
    out = {
        "uuid": identity.unit_uuid("finding", version, first.identity[0], account),
        "title": _line(f"{first.control} {first.title} in account {account}"),
        "description": _line(f"{counts} in AWS account {account}. {why}"),
        "props": _props(control=first.control, aws_account=account),
        "target": {"type": "objective-id", "target-id": control_token(first.control),
                   "title": _line(first.title), "status": {"state": state, "reason": reason}},
        "related-observations": [{"observation-uuid": uid} for uid in units.uids],
    }
    related = [{"risk-uuid": risks[uid]} for uid in units.uids if uid in risks]
    if related:
        out["related-risks"] = related
    if remarks:
        out["remarks"] = remarks
    return out


# json.dumps(value, indent=1, ensure_ascii=False), faster: with an indent, json encodes in
# Python generators (its C encoder only writes compact JSON), and at organisation scale that
# was over half of this writer's time (a million observations). Strings, dicts and lists
# (all an observation holds) are formatted here with json's own C string encoder; anything
# else is handed to json.dumps, re-indented to where it sits, so the bytes are json's.
_encode_text = json.encoder.encode_basestring


def _indented(value, indent: str = "") -> str:
    """``value`` as json.dumps(value, indent=1, ensure_ascii=False) writes it, its inner lines
    indented past ``indent`` (where the value sits in the document)."""
    kind = type(value)
    if kind is str:
        return _encode_text(value)
    inner = indent + " "
    if kind is dict:
        if not value:
            return "{}"
        parts = []
        for key, item in value.items():
            if type(key) is not str:
                return _stdlib_indented(value, indent)
            parts.append(_encode_text(key) + ": " + (_encode_text(item) if type(item) is str else _indented(item, inner)))
    elif kind is list:
        if not value:
            return "[]"
        parts = [_encode_text(item) if type(item) is str else _indented(item, inner) for item in value]
    else:
        return _stdlib_indented(value, indent)
    opening, closing = ("{", "}") if kind is dict else ("[", "]")
    return opening + "\n" + inner + (",\n" + inner).join(parts) + "\n" + indent + closing


def _stdlib_indented(value, indent: str) -> str:
    # JSON strings hold no raw line break, so every one is an indentation json.dumps made.
    return json.dumps(value, indent=1, ensure_ascii=False).replace("\n", "\n" + indent)


# Where the streamed lists go in the document's skeleton (write() splices them in).
_INVENTORY, _OBSERVATIONS = "\0inventory-items\0", "\0observations\0"


def document(state: SummaryState, command: str = "") -> dict:
    """The whole document, in memory (write() streams the same bytes)."""
    items, observations = [], []
    out = _document(state, command, items.append, observations.append)
    result = out["assessment-results"]["results"][0]
    if items:
        result["local-definitions"]["inventory-items"] = items
    if observations:
        result["observations"] = observations
    return out


def _document(state: SummaryState, command: str, item_sink, observation_sink) -> dict:
    """The document with its inventory items and observations handed to the sinks as they
    are made (one pass over ``state.sorted_findings()``), and placeholders in their place."""
    version = state.benchmark
    controls = {c.id: c for c in state.controls}
    collected, ended = _times(state)
    inventory = _Inventory(item_sink)
    observed, risks, risk_of = 0, [], {}
    failing: dict[tuple[str, str], _Failing] = {}
    for finding in state.sorted_findings():
        obs = observation(finding, version, controls, inventory, collected)
        observation_sink(obs)
        observed += 1
        if finding.status == WAIVED:
            risks.append(risk(finding, version, obs["uuid"]))
            risk_of[obs["uuid"]] = risks[-1]["uuid"]
        if finding.status in FAILING:
            key = (finding.control, finding.account)
            if key not in failing:
                failing[key] = _Failing(finding)
            failing[key].add(finding, obs["uuid"])
    findings = [_finding(version, controls.get(control), account, units, risk_of)
                for (control, account), units in failing.items()]
    accounts = [a.id for a in state.estate.accounts] if state.estate else []
    run = identity.unit_uuid("result", version, collected, command, *accounts)
    result = {
        "uuid": run,
        "title": _line(f"{state.benchmark_name}, level {state.level}"),
        "description": _line(f"Automated assessment of AWS accounts {', '.join(accounts) or 'none'} by pytest-cis-aws."),
        "start": collected,
        "end": ended,
        "reviewed-controls": {"control-selections": [{
            "description": _line(f"The controls of {state.benchmark_name} this run selected (level {state.level})."),
            "include-controls": [{"control-id": control_token(c.id)} for c in state.controls] or
                                [{"control-id": "none"}]}]},
        "props": _props(score=state.totals().score.text),
    }
    if inventory.seen:
        result["local-definitions"] = {"inventory-items": [_INVENTORY]}
    observations = [_OBSERVATIONS] if observed else []
    for name, items in (("observations", observations), ("risks", risks), ("findings", findings)):
        if items:  # OSCAL lists are either absent or not empty
            result[name] = items
    tool_version = _tool_version()
    return {"assessment-results": {
        "uuid": identity.unit_uuid("assessment-results", version, run),
        "metadata": {
            "title": _line(f"{state.benchmark_name} assessment results"),
            "published": ended,
            "last-modified": ended,
            "version": tool_version,
            "oscal-version": OSCAL_VERSION,
            "props": _props(tool=exchange.PRODUCT, tool_version=tool_version, benchmark=state.benchmark_name,
                            benchmark_version=version, level=state.level, generated=ended, command_line=command),
        },
        # We have no OSCAL assessment plan: the benchmark's controls, selected above, are the plan.
        "import-ap": {"href": CIS_BENCHMARKS,
                      "remarks": "No assessment plan document: the benchmark's selected controls are the plan."},
        "results": [result],
    }}


def write(state: SummaryState, path: Path, command: str = "") -> None:
    """The document as ``json.dumps(document(state), indent=1)`` writes it, streamed: the
    inventory items and observations (one each per unit, a million under cis-merge at
    organisation scale) go to temporary files as they are made, already as they read in the
    document (indented where they sit, separated by commas), and are copied into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile("w+b") as items, tempfile.TemporaryFile("w+b") as observations:
        skeleton = _document(state, command, _sink(items, _INVENTORY), _sink(observations, _OBSERVATIONS))
        with path.open("wb") as out:
            spools = {_INVENTORY: [items], _OBSERVATIONS: [observations]}
            _stream(skeleton, "", out, spools, _STREAMED_LEVELS)
            out.write(b"\n")
        if any(spool.tell() for parts in spools.values() for spool in parts):  # written, never placed
            raise AssertionError("OSCAL: a list's placeholder is below the levels _stream writes; raise _STREAMED_LEVELS")


# Where each streamed list's values sit in the document: the indentation the skeleton gives
# them (_stream checks it), known before the skeleton is, so they are written as they read.
_INDENT = {_INVENTORY: " " * 6, _OBSERVATIONS: " " * 5}
# The document's levels written a member at a time, down to the inventory items' list and
# each of the results' findings: at organisation scale the findings name 800,000
# observations, and the skeleton as one string (and its copies around the placeholders)
# took a few hundred MiB.
_STREAMED_LEVELS = 6


def _sink(spool, marker: str):
    """Appends a value to ``spool`` as it reads in the document's list ``marker``."""
    indent = _INDENT[marker]
    separator = [indent]

    def put(value: dict) -> None:
        spool.write((separator[0] + _indented(value, indent)).encode("utf-8"))
        separator[0] = ",\n" + indent
    return put


def _stream(value, indent: str, out, spools: dict[str, list], levels: int) -> None:
    """``value`` written to ``out`` (binary) as _indented(value, indent) reads, its upper
    ``levels`` a member at a time; a placeholder in a list is replaced by its spools'
    contents, in order (a list written in parts, each a run of values with its separators),
    and taken out of ``spools``."""
    kind = type(value)
    if not levels or kind not in (dict, list) or not value or (kind is dict and not all(type(k) is str for k in value)):
        out.write(_indented(value, indent).encode("utf-8"))
        return
    inner = indent + " "
    out.write(b"{\n" if kind is dict else b"[\n")
    members = value.items() if kind is dict else ((None, item) for item in value)
    separator = b""
    for key, item in members:
        out.write(separator)
        separator = b",\n"
        if key is None and type(item) is str and item in spools:
            if inner != _INDENT[item]:
                raise AssertionError(f"OSCAL: {item.strip(chr(0))} moved in the document; update _INDENT")
            _copy(spools.pop(item), out)
            continue
        out.write((inner if key is None else inner + _encode_text(key) + ": ").encode("utf-8"))
        _stream(item, inner, out, spools, levels - 1)
    out.write(("\n" + indent + ("}" if kind is dict else "]")).encode("utf-8"))


def _copy(parts: list, out) -> None:
    written = False
    for spool in parts:
        spool.seek(0)
        if not spool.read(1):
            continue
        if written:  # a part after another: the comma its own writer could not know
            out.write(b",\n")
        spool.seek(0)
        shutil.copyfileobj(spool, out, _COPY)
        written = True


_COPY = 1 << 20


def write_file(state: SummaryState, path: Path, context) -> None:
    """The outputs table's entry point (report/outputs.py)."""
    write(state, path, context.command)
