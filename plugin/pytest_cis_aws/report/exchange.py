"""What the exchange formats (OCSF, Security Hub's ASFF) say alike about one finding.

A stable id per unit, the AWS resource type, the resource's partition, the severity
and the remediation text: computed here once, so the two files never disagree.
"""
from __future__ import annotations

import hashlib

from ..aws import partitions
from ..aws.sessions import GLOBAL_REGION as GLOBAL
from ..finding import Finding
from ..outcomes import FAIL, KNOWN, PASS, WAIVED
from .. import registry
from ..custom.metadata import CustomControl
from ..registry import Control, kinds

PRODUCT = "pytest-cis-aws"

ACCOUNT_TYPE = kinds.KINDS[kinds.ACCOUNT].asff_type
# A unit of a kind this suite cannot name (a team's own: custom controls declare no kinds).
OTHER_TYPE = "Other"

# Severity of a unit that does not comply, by benchmark level, as OCSF's Check object
# maps CIS levels (Level 1: Medium, Level 2: High). A unit that passed is informational.
SEVERITY_BY_LEVEL = {1: "Medium", 2: "High"}
INFORMATIONAL = "Informational"


def finding_uid(version: str, finding: Finding) -> str:
    """The same for the same unit under the same control and benchmark version, run after run.

    The unit is its readable name (``<account>-<region>-<label>``, as in the test id); it is
    hashed so that names from AWS never make the id long or odd.
    """
    unit = finding.unit_name
    digest = hashlib.sha256(f"{version}\n{finding.control}\n{unit}".encode()).hexdigest()[:32]
    return f"{PRODUCT}/v{version}/{finding.control}/{finding.account}/{finding.region}/{digest}"


def resource_type(finding: Finding) -> str:
    """The unit's kind as Security Hub names it: the kind its label names (registry/kinds.py), else
    the account for a unit without an ARN of its own, else the one kind its check declares."""
    named = kinds.label_kind(finding.label)
    if named in kinds.KINDS:
        return kinds.KINDS[named].asff_type
    if not finding.resource.startswith("arn:"):
        return ACCOUNT_TYPE
    declared = registry.kinds_of(finding.check)
    return kinds.KINDS[declared[0]].asff_type if len(declared) == 1 else OTHER_TYPE


def resource_id(finding: Finding) -> str:
    """The resource's ARN; an access key (AWS gives it no ARN) its id, the finding's resource;
    an account, ``AWS::::Account:<id>`` as Security Hub names accounts."""
    kind = resource_type(finding)
    if kind == ACCOUNT_TYPE:
        return f"AWS::::Account:{finding.account}"
    return finding.resource


def partition(finding: Finding, default: str = partitions.DEFAULT) -> str:
    """The partition of the finding's resource ARN, else of its region, else ``default``."""
    resource = finding.resource
    if resource.startswith("arn:"):
        return resource.split(":")[1]
    region = finding.region
    return partitions.of_region(region) if region and region != GLOBAL else default


def severity(finding: Finding) -> str:
    """Informational, Medium or High (capitalised as OCSF; ASFF takes it upper-cased)."""
    if finding.status == PASS:
        return INFORMATIONAL
    return SEVERITY_BY_LEVEL.get(finding.level, "Medium")


def needs_remediation(finding: Finding) -> bool:
    """Failing units, accepted or not; an ERROR needs access fixed, not the resource."""
    return finding.status in (FAIL, KNOWN, WAIVED)


def remediation_text(control: Control | None, fix: str = "") -> str:
    """This resource's fix first (ASFF keeps 512 characters), then the control's remediation in
    our words: console steps and CLI."""
    if control is None:
        return ""
    parts = [f"For this resource: {fix}"] if fix else []
    if control.console:
        parts.append("In the AWS console: " + " ".join(f"{n}. {step}" for n, step in enumerate(control.console, 1)))
    if control.cli:
        parts.append("With the AWS CLI: " + " ; ".join(control.cli))
    return "\n".join(parts) or control.manual_check or ""


def standard(version: str, control: Control | None = None) -> str:
    """The benchmark and version a finding is judged under: "CIS AWS Foundations Benchmark v2.0.0";
    for a team's own control, its section's title ("Organisation controls")."""
    if isinstance(control, CustomControl):
        return control.standard
    return registry.benchmark(version).name
