"""The read-only guard: the suite may only read the accounts it audits.

Every operation goes through :func:`check_read_only` before botocore sends it
(see ``reader.py``, which hooks botocore's ``before-call`` event). Anything that is
not a Describe/Get/List call, or one of the few named exceptions below, is refused
before a byte leaves the machine.
"""
from __future__ import annotations

from .errors import ReadOnlyViolation

READ_PREFIXES = ("Describe", "Get", "List", "Lookup")

# Operations that are not named like reads but change nothing an auditor cares about.
READ_EXCEPTIONS = frozenset(
    {
        # Builds the IAM credential report: the benchmark's own audit procedure does this.
        ("iam", "GenerateCredentialReport"),
        # Assuming the audit role in each account; no resource is touched.
        ("sts", "AssumeRole"),
    }
)


def is_read_only(service: str, operation: str) -> bool:
    return operation.startswith(READ_PREFIXES) or (service, operation) in READ_EXCEPTIONS


def check_read_only(service: str, operation: str) -> None:
    if not is_read_only(service, operation):
        raise ReadOnlyViolation(
            f"refused {service}:{operation}: the CIS audit only reads AWS "
            "(Describe/Get/List and GenerateCredentialReport)"
        )
