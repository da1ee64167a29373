"""Validate the exchange formats the way their consumers would.

OCSF: every record against py-ocsf-models (the OCSF models Prowler publishes). The
library's ComplianceFinding ignores keys it does not know, so a record must survive a
round trip through the model unchanged: a key the schema lacks, or a value of the wrong
type, would be dropped or converted and the record would differ. The cloud profile's
``cloud`` object is not on the library's class; it is checked against the library's
Cloud model the same way.

ASFF: every finding, in BatchImportFindings batches of 100, against the securityhub
service model with botocore's own ParamValidator (what boto3 and the AWS CLI run before
sending), and every enumerated value against the model's enums.
"""
from __future__ import annotations

import json
from pathlib import Path

import botocore.session
from botocore.validate import ParamValidator

BATCH = 100


def ocsf_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _round_trip(model, data: dict) -> None:
    parsed = model.model_validate(data)
    assert parsed.model_dump(mode="json", exclude_unset=True) == data, (
        f"{model.__name__} does not keep this record as written:\n{json.dumps(data, indent=1)}")


def validate_ocsf(record: dict) -> None:
    from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
    from py_ocsf_models.objects.cloud import Cloud

    body = {k: v for k, v in record.items() if k != "cloud"}
    _round_trip(ComplianceFinding, body)
    assert "cloud" in record["metadata"]["profiles"]
    _round_trip(Cloud, record["cloud"])


def asff_findings(path: Path) -> list[dict]:
    found = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(found, list)
    return found


def _input_shape():
    model = botocore.session.get_session().get_service_model("securityhub")
    return model.operation_model("BatchImportFindings").input_shape


def _enum_errors(value, shape, where: str) -> list[str]:
    """Values outside the model's enums (ParamValidator leaves enums to the service)."""
    errors = []
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in value.items():
            if name in shape.members:
                errors += _enum_errors(member, shape.members[name], f"{where}.{name}")
    elif shape.type_name == "list" and isinstance(value, list):
        for index, member in enumerate(value):
            errors += _enum_errors(member, shape.member, f"{where}[{index}]")
    elif shape.type_name == "map" and isinstance(value, dict):
        for key, member in value.items():
            errors += _enum_errors(member, shape.value, f"{where}[{key}]")
    elif shape.type_name == "string" and shape.enum and value not in shape.enum:
        errors.append(f"{where}: {value!r} is not one of {shape.enum}")
    return errors


def validate_asff(findings: list[dict]) -> None:
    shape = _input_shape()
    for start in range(0, len(findings), BATCH):
        batch = {"Findings": findings[start:start + BATCH]}
        report = ParamValidator().validate(batch, shape)
        assert not report.has_errors(), report.generate_report()
        errors = _enum_errors(batch, shape, "")
        assert not errors, "\n".join(errors)
    for finding in findings:
        # Security Hub's own limits, which the model does not carry.
        assert len(finding["Title"]) <= 256 and len(finding["Description"]) <= 1024
        assert len(finding.get("ProductFields", {})) <= 50
        assert all(len(k) <= 128 and len(v) <= 2048 for k, v in finding.get("ProductFields", {}).items())
        assert len(finding.get("Remediation", {}).get("Recommendation", {}).get("Text", "")) <= 512
        assert finding["ProductArn"].endswith(f":product/{finding['AwsAccountId']}/default")
