"""Every AWS operation the audit can call, found by reading the source, and the
permissions AWS's managed audit policies grant.

The scan reads ``plugin/`` (not the demo, which seeds moto and never runs on the
audit path) with :mod:`ast`. Collectors name their operations as literals
(``aws.call("s3", "GetBucketPolicy", ...)``); a call site that does not is reported
as *dynamic* so a test can refuse it: a name the scan cannot see is a permission
nobody has checked.
"""
from __future__ import annotations

import ast
import fnmatch
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from botocore import xform_name
from botocore.session import get_session

from pytest_cis_aws.aws.errors import AwsCallError

PLUGIN = Path(__file__).resolve().parents[2] / "plugin" / "pytest_cis_aws"
READER_METHODS = {"call", "read", "poll"}
SERVICE = re.compile(r"^[a-z][a-z0-9-]*$")
OPERATION = re.compile(r"^[A-Z][A-Za-z0-9]*$")
AUDIT_POLICIES = ("SecurityAudit", "ViewOnlyAccess")
# Modules whose reads use the base credentials (the management account), not the
# audit role in each audited account.
BASE_CREDENTIAL_MODULES = {"sessions.py", "organizations.py"}


@dataclass(frozen=True, order=True)
class Operation:
    service: str  # botocore service name
    name: str  # API operation name

    @property
    def action(self) -> str:
        """The IAM action, as the suite names it in AccessDenied messages."""
        return AwsCallError("", "", self.service, self.name, "", "").action


@dataclass(frozen=True)
class CallSite:
    path: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(PLUGIN.parent)}:{self.line}: {self.text}"


@dataclass
class Scan:
    audit: set[Operation]  # called in audited accounts through the cached reader
    base: set[Operation]  # called with the base credentials (sts)
    dynamic: list[CallSite]  # reader calls whose operation is not a literal

    @property
    def services(self) -> list[str]:
        return sorted({op.service for op in self.audit})


def audit_sources() -> list[Path]:
    return sorted(p for p in PLUGIN.rglob("*.py") if "demo" not in p.relative_to(PLUGIN).parts)


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _receiver(node: ast.Attribute) -> str:
    return ast.unparse(node.value)


def _is_reader_call(node: ast.Call) -> bool:
    """``aws.call(...)``, ``reader.read(...)``, ``self._reader.poll(...)``: the cached reader."""
    func = node.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr in READER_METHODS
        and re.search(r"(^|\.|_)(aws|reader)$", _receiver(func)) is not None
    )


def _is_forwarder(node: ast.Call) -> bool:
    """The reader's own plumbing passes its ``service, operation`` parameters on: the
    literals flow in from the call sites scanned elsewhere."""
    names = [arg.id if isinstance(arg, ast.Name) else None for arg in node.args]
    return any(pair == ("service", "operation") for pair in zip(names, names[1:]))


def _operation_of(node: ast.Call) -> Operation | None:
    """The first (service, Operation) pair of adjacent string literals among the arguments."""
    values = [_literal(arg) for arg in node.args]
    for first, second in zip(values, values[1:]):
        if first and second and SERVICE.match(first) and OPERATION.match(second):
            return Operation(first, second)
    return None


@lru_cache(maxsize=1)
def _sts_methods() -> dict[str, str]:
    model = get_session().get_service_model("sts")
    return {xform_name(name): name for name in model.operation_names}


def scan() -> Scan:
    found = Scan(set(), set(), [])
    for path in audit_sources():
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if _is_reader_call(node) and not _is_forwarder(node):
                operation = _operation_of(node)
                if operation is None:
                    found.dynamic.append(CallSite(path, node.lineno, ast.unparse(node)[:120]))
                elif path.name in BASE_CREDENTIAL_MODULES:
                    found.base.add(operation)
                else:
                    found.audit.add(operation)
            elif path.name == "sessions.py" and isinstance(node.func, ast.Attribute):
                name = _sts_methods().get(node.func.attr)
                if name:
                    found.base.add(Operation("sts", name))
    return found


# -- AWS managed policies (moto ships AWS's documents) ---------------------
@lru_cache(maxsize=1)
def _managed_policies() -> dict:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    return json.loads(aws_managed_policies_data)


def allowed_actions(policy: str) -> list[str]:
    """The Action patterns an AWS managed policy allows (lower case: IAM matching ignores case)."""
    statements = _managed_policies()[policy]["Document"]["Statement"]
    if isinstance(statements, dict):
        statements = [statements]
    patterns = []
    for statement in statements:
        if statement.get("Effect") != "Allow" or "Action" not in statement:
            continue
        actions = statement["Action"]
        patterns.extend(a.lower() for a in ([actions] if isinstance(actions, str) else actions))
    return patterns


def granted_by(action: str) -> list[str]:
    """Which of the audit policies allow ``action`` (wildcards such as ``s3:Get*`` count)."""
    return [
        policy
        for policy in AUDIT_POLICIES
        if any(fnmatch.fnmatchcase(action.lower(), pattern) for pattern in allowed_actions(policy))
    ]
