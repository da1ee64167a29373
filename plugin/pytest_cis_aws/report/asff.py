"""``--cis-asff PATH``: the findings as a list of AWS Security Finding Format objects,
ready for ``aws securityhub batch-import-findings`` (the README has the command).

The suite only writes the file; importing it is the user's step. Each finding is
imported into the account it is about (Security Hub's default product for that
account) in one region, ``--cis-asff-region``. Ids are stable per benchmark version,
control and unit, so a second import updates a finding instead of adding another.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from ..aws import partitions
from ..custom.metadata import CustomControl
from ..finding import Finding
from ..outcomes import ERROR, FAIL, KNOWN, MANUAL, NOT_APPLICABLE, PASS, WAIVED
from ..summary import SummaryState
from .. import fixes
from . import exchange

SCHEMA_VERSION = "2018-10-08"
DEFAULT_REGION = "us-east-1"
FINDING_TYPE = "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"
CUSTOM_TYPE_PREFIX = "Software and Configuration Checks/Industry and Regulatory Standards/"  # + a team's standard
COMPLIANCE_STATUS = {
    PASS: "PASSED",
    FAIL: "FAILED",
    KNOWN: "FAILED",  # already failing in the baseline: still failing
    WAIVED: "FAILED",  # failing, and accepted: the workflow says so (SUPPRESSED)
    ERROR: "NOT_AVAILABLE",  # the check could not run
    MANUAL: "WARNING",  # a person must decide
    # The control does not apply to the unit: Security Hub's own status for AWS Config's
    # NOT_APPLICABLE results, and, as Security Hub does with those, the finding is archived.
    NOT_APPLICABLE: "NOT_AVAILABLE",
}
WORKFLOW_STATUS = {PASS: "RESOLVED", WAIVED: "SUPPRESSED"}  # anything else: NEW
RECORD_STATE = {NOT_APPLICABLE: "ARCHIVED"}  # anything else: ACTIVE
# Security Hub's limits on a finding's fields (characters; map entries).
TITLE_MAX, DESCRIPTION_MAX, RECOMMENDATION_MAX = 256, 1024, 512
PRODUCT_FIELDS_MAX, PRODUCT_FIELD_KEY_MAX, PRODUCT_FIELD_VALUE_MAX = 50, 128, 2048
FIELD_PREFIX = exchange.PRODUCT + "/"
GLOBAL = "global"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def product_arn(account: str, region: str, partition: str = "aws") -> str:
    """The account's default product: findings a customer imports into its own account."""
    return f"arn:{partition}:securityhub:{region}:{account}:product/{account}/default"


def product_fields(finding: Finding) -> dict[str, str]:
    """Our status, the test id, the waiver and the evidence, as Security Hub's string map."""
    fields = {FIELD_PREFIX + "status": finding.status, FIELD_PREFIX + "check": finding.check or finding.control,
              FIELD_PREFIX + "test_id": finding.test_id}
    if finding.waiver is not None:
        fields[FIELD_PREFIX + "waiver"] = (
            f"{finding.waiver.id} (owner {finding.waiver.owner}, expires "
            f"{finding.waiver.expires}): {finding.waiver.reason}")
    evidence = [(item.source, name, value) for item in finding.evidence for name, value in item.fields]
    room = PRODUCT_FIELDS_MAX - len(fields) - 1  # one entry kept to say what did not fit
    for source, name, value in evidence[:room]:
        key = _cut(f"{FIELD_PREFIX}evidence/{source}/{name}", PRODUCT_FIELD_KEY_MAX)
        fields[key] = _cut(json.dumps(value, ensure_ascii=False, sort_keys=True), PRODUCT_FIELD_VALUE_MAX)
    if len(evidence) > room:
        fields[FIELD_PREFIX + "evidence/more"] = f"{len(evidence) - room} more fields in the findings JSON"
    return {k: _cut(v, PRODUCT_FIELD_VALUE_MAX) for k, v in fields.items()}


def finding_of(finding: Finding, version: str, controls: dict, timestamp: str, region: str) -> dict:
    control = controls.get(finding.control)
    status = finding.status
    partition = exchange.partition(finding, default=partitions.of_region(region))  # where it is imported
    severity = {"Label": exchange.severity(finding).upper(), "Original": f"Level {finding.level}"}
    standard = exchange.standard(version, control)
    # A team's own control is not the benchmark's: its own generator and standard (its section).
    own = isinstance(control, CustomControl)
    generator = (f"{exchange.PRODUCT}/custom/{finding.control}" if own
                 else f"{exchange.PRODUCT}/cis-aws-foundations-benchmark/v{version}/{finding.control}")
    types = [f"{CUSTOM_TYPE_PREFIX}{standard}" if own else FINDING_TYPE]
    resource = {"Type": exchange.resource_type(finding), "Id": exchange.resource_id(finding), "Partition": partition}
    if finding.region != GLOBAL:
        resource["Region"] = finding.region
    out = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": exchange.finding_uid(version, finding),
        "ProductArn": product_arn(finding.account, region, partition),
        "GeneratorId": generator,
        "AwsAccountId": finding.account,
        "Types": types,
        "CreatedAt": timestamp,
        "UpdatedAt": timestamp,
        "Severity": severity,
        # Security Hub takes a provider's severity and types from here after the first import.
        "FindingProviderFields": {"Severity": severity, "Types": types},
        "Title": _cut(f"{finding.control} {finding.title}", TITLE_MAX),
        "Description": _cut(finding.message or f"{finding.resource} complies with {standard} control "
                            f"{finding.control}", DESCRIPTION_MAX),
        "ProductFields": product_fields(finding),
        "Resources": [resource],
        "Compliance": {"Status": COMPLIANCE_STATUS[status], "RelatedRequirements": [f"{standard}/{finding.control}"]},
        "RecordState": RECORD_STATE.get(status, "ACTIVE"),
        "Workflow": {"Status": WORKFLOW_STATUS.get(status, "NEW")},
    }
    remediation = exchange.remediation_text(control, fixes.text(finding.fix))
    if remediation and exchange.needs_remediation(finding):
        out["Remediation"] = {"Recommendation": {"Text": _cut(remediation, RECOMMENDATION_MAX)}}
    return out


def findings(state: SummaryState, region: str = DEFAULT_REGION) -> Iterator[dict]:
    controls = {c.id: c for c in state.controls}
    timestamp = state.generated.isoformat().replace("+00:00", "Z")
    for finding in state.sorted_findings():
        yield finding_of(finding, state.benchmark, controls, timestamp, region)


def write(state: SummaryState, path: Path, region: str = DEFAULT_REGION) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # One finding per line inside the list: readable, and diffable between runs. Streamed:
    # a merge of an organisation never holds its million findings.
    with path.open("w", encoding="utf-8") as out:
        separator = "[\n"
        for f in findings(state, region):
            out.write(separator + json.dumps(f, separators=(",", ":"), ensure_ascii=False))
            separator = ",\n"
        out.write("\n]\n" if separator == ",\n" else "[\n\n]\n")


def write_file(state: SummaryState, path: Path, context) -> None:
    """The outputs table's entry point (report/outputs.py)."""
    write(state, path, context.asff_region)
