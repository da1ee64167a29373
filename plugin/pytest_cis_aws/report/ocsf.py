"""``--cis-ocsf PATH``: every finding as an OCSF Compliance Finding (class 2003), one JSON
object per line, for SIEMs and data lakes that take OCSF.

OCSF 1.5.0 with the cloud profile (``cloud``). The records are plain dictionaries; the
tests validate every one against py-ocsf-models, the OCSF models Prowler publishes.
"""
from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from typing import Iterator

from ..finding import Finding
from ..outcomes import ERROR, FAIL, KNOWN, MANUAL, NOT_APPLICABLE, PASS, WAIVED
from ..summary import SummaryState
from .. import fixes
from . import exchange

OCSF_VERSION = "1.5.0"
CLASS_UID, CLASS_NAME = 2003, "Compliance Finding"
CATEGORY_UID, CATEGORY_NAME = 2, "Findings"
ACTIVITY_ID, ACTIVITY_NAME = 1, "Create"  # each run reports its findings afresh
SEVERITY_IDS = {"Informational": 1, "Low": 2, "Medium": 3, "High": 4}
# Our status -> OCSF compliance status (id, caption). An ERROR yielded no result for want
# of information (Warning); a MANUAL control's result is for a person to find (Unknown); a
# control that does not apply to the unit has no OCSF status of its own (Other, captioned).
COMPLIANCE_STATUS = {
    PASS: (1, "Pass"),
    FAIL: (3, "Fail"),
    KNOWN: (3, "Fail"),
    WAIVED: (3, "Fail"),
    ERROR: (2, "Warning"),
    MANUAL: (0, "Unknown"),
    NOT_APPLICABLE: (99, "Not Applicable"),
}
# The finding's own workflow status: a waived failure was reviewed and accepted; a control
# that does not apply is archived, as Security Hub archives AWS Config's NOT_APPLICABLE results.
NEW, SUPPRESSED, ARCHIVED = (1, "New"), (3, "Suppressed"), (5, "Archived")
WORKFLOW = {WAIVED: SUPPRESSED, NOT_APPLICABLE: ARCHIVED}
AWS_ACCOUNT_TYPE_ID = 10  # OCSF account type "AWS Account"
GLOBAL = "global"


def _product_version() -> str:
    try:
        return metadata.version(exchange.PRODUCT)
    except metadata.PackageNotFoundError:
        return "0"


def _resource_name(finding: Finding) -> str:
    """The unit's own name ("app-logs" of bucket/app-logs); an account-level unit is its account."""
    label = finding.label
    return label.split("/", 1)[1] if "/" in label else finding.account if label in ("", "account") else label


def record(finding: Finding, version: str, controls: dict, time_ms: int, product_version: str) -> dict:
    """One OCSF Compliance Finding for one finding of the summary state."""
    uid = exchange.finding_uid(version, finding)
    control = controls.get(finding.control)
    standard = exchange.standard(version, control)
    status = finding.status
    compliance_id, compliance_caption = COMPLIANCE_STATUS[status]
    severity = exchange.severity(finding)
    level = int(finding.level)
    region = finding.region if finding.region != GLOBAL else None
    workflow_id, workflow = WORKFLOW.get(status, NEW)
    out = {
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": exchange.PRODUCT, "vendor_name": exchange.PRODUCT, "version": product_version},
            "profiles": ["cloud"],
            "event_code": finding.control,
            "uid": uid,
        },
        "time": time_ms,
        "category_uid": CATEGORY_UID,
        "category_name": CATEGORY_NAME,
        "class_uid": CLASS_UID,
        "class_name": CLASS_NAME,
        "activity_id": ACTIVITY_ID,
        "activity_name": ACTIVITY_NAME,
        "type_uid": CLASS_UID * 100 + ACTIVITY_ID,
        "type_name": f"{CLASS_NAME}: {ACTIVITY_NAME}",
        "severity_id": SEVERITY_IDS[severity],
        "severity": severity,
        "status_id": workflow_id,
        "status": workflow,
        "status_code": status,  # PASS, FAIL, ERROR, MANUAL, WAIVED or KNOWN, as in every other output
        "message": finding.message or f"{finding.resource} complies with {standard} control {finding.control}",
        "finding_info": {
            "uid": uid,
            "title": f"{finding.control} {finding.title}",
            "desc": control.description if control else finding.title,
            "types": [standard],
            "created_time": time_ms,
        },
        "compliance": {
            "standards": [standard],
            "control": finding.control,
            "requirements": [f"{standard} {finding.control}"],
            "status_id": compliance_id,
            "checks": [{
                "uid": finding.control,
                "name": finding.title,
                "version": version,
                "standards": [standard],
                "severity": f"Level {level}",
                "severity_id": SEVERITY_IDS[exchange.SEVERITY_BY_LEVEL.get(level, "Medium")],
                "status": compliance_caption,
                "status_id": compliance_id,
            }],
        },
        "resources": [{
            "uid": exchange.resource_id(finding),
            "name": _resource_name(finding),
            "type": exchange.resource_type(finding),
            "cloud_partition": exchange.partition(finding),
            **({"region": region} if region else {}),
        }],
        "cloud": {
            "provider": "AWS",
            "account": {"uid": finding.account, "name": finding.account, "type": "AWS Account",
                        "type_id": AWS_ACCOUNT_TYPE_ID},
            **({"region": region} if region else {}),
        },
        # The check (stable across benchmark versions) and the test that decided the verdict.
        "unmapped": {"check": finding.check or finding.control, "test_id": finding.test_id},
    }
    remediation = exchange.remediation_text(control, fixes.text(finding.fix))
    if remediation and exchange.needs_remediation(finding):
        out["remediation"] = {"desc": remediation}
    if status == NOT_APPLICABLE:
        out["status_detail"] = f"not applicable: {finding.message}"
    if finding.waiver is not None:
        out["status_detail"] = f"waived by {finding.waiver.id} (owner {finding.waiver.owner}, " \
                               f"expires {finding.waiver.expires}): {finding.waiver.reason}"
        out["unmapped"]["waiver"] = {"id": finding.waiver.id, "reason": finding.waiver.reason,
                                     "owner": finding.waiver.owner,
                                     "expires": finding.waiver.expires}
    evidence = finding.evidence
    if evidence:
        # OCSF's evidence artifacts: the API call each deciding field came from, and the fields.
        out["evidences"] = [{"api": {"operation": item.source}, "data": dict(item.fields)} for item in evidence]
    return out


def records(state: SummaryState) -> Iterator[dict]:
    controls = {c.id: c for c in state.controls}
    time_ms = int(state.generated.timestamp() * 1000)
    product_version = _product_version()
    for finding in state.sorted_findings():
        yield record(finding, state.benchmark, controls, time_ms, product_version)


def write(state: SummaryState, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for found in records(state):
            out.write(json.dumps(found, separators=(",", ":"), ensure_ascii=False) + "\n")


def write_file(state: SummaryState, path: Path, context) -> None:
    """The outputs table's entry point (report/outputs.py)."""
    write(state, path)
