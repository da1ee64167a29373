"""The example controls' reads, found in their source: each a read, granted by
SecurityAudit, and named in the README section that tells users what to grant."""
from __future__ import annotations

import ast
from functools import lru_cache

import botocore.session
from botocore import xform_name

from pytest_cis_aws.aws.readonly import is_read_only
from tests.custom.estate import EXAMPLES
from tests.harness import REPO
from tests.trust.operations import Operation, granted_by


@lru_cache(maxsize=None)
def _operations(service: str) -> dict[str, str]:
    model = botocore.session.get_session().get_service_model(service)
    return {xform_name(name): name for name in model.operation_names}


def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def example_operations() -> set[Operation]:
    """``aws.call("svc", "Operation", ...)`` and ``aws.client("svc").operation_name(...)``."""
    found = set()
    for path in EXAMPLES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            func = node.func
            if func.attr == "call" and ast.unparse(func.value) == "aws":
                found.add(Operation(_literal(node.args[0]), _literal(node.args[1])))
            elif (isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Attribute)
                  and func.value.func.attr == "client" and ast.unparse(func.value.func.value) == "aws"):
                service = _literal(func.value.args[0])
                found.add(Operation(service, _operations(service)[func.attr]))
    return found


def test_the_examples_only_read_what_security_audit_grants_and_the_readme_names():
    found = example_operations()
    assert found == {Operation("iam", "ListAccountAliases"), Operation("ec2", "DescribeInstances"),
                     Operation("s3", "GetBucketTagging")}
    assert all(is_read_only(op.service, op.name) for op in found)
    assert all("SecurityAudit" in granted_by(op.action) for op in found)
    readme = (REPO / "README.md").read_text().split("## Your own controls", 1)[1].split("\n## ", 1)[0]
    assert [op.action for op in sorted(found) if op.action not in readme] == []
