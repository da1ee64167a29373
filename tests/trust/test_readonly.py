"""Read-only, proved: writes are refused before sending, and every read the suite can
make is granted by AWS's managed audit policies."""
from __future__ import annotations

import pytest

from pytest_cis_aws.aws.errors import ReadOnlyViolation
from pytest_cis_aws.aws.readonly import is_read_only
from pytest_cis_aws.aws.sessions import Credentials, SessionFactory
from tests.harness import A, ROLE
from tests.trust.operations import AUDIT_POLICIES, Operation, granted_by, scan

WRITES = [
    ("s3", "create_bucket", {"Bucket": "must-not-exist"}),
    ("iam", "create_user", {"UserName": "must-not-exist"}),
    ("ec2", "create_security_group", {"GroupName": "must-not-exist", "Description": "x"}),
    ("cloudtrail", "stop_logging", {"Name": "any-trail"}),
]


def test_a_write_through_the_audit_session_layer_is_refused_before_sending(moto):
    sent: list[tuple[str, str]] = []
    sessions = SessionFactory(Credentials(ROLE, None, None), on_call=lambda s, op: sent.append((s, op)))
    sessions.session(A)  # assume the audit role first: sts:AssumeRole is allowed
    assert sent == [("sts", "GetCallerIdentity"), ("sts", "AssumeRole")]
    sent.clear()
    for service, method, params in WRITES:
        client = sessions.client(A, "us-east-1", service)
        with pytest.raises(ReadOnlyViolation, match=r"refused \w+:\w+: the CIS audit only reads AWS"):
            getattr(client, method)(**params)
    assert sent == []  # refused before the request was counted, signed or sent
    # ...and AWS (moto) saw nothing: the account is as empty as before.
    assert moto.client("s3", A).list_buckets()["Buckets"] == []
    assert moto.client("iam", A).list_users()["Users"] == []
    groups = moto.client("ec2", A).describe_security_groups()["SecurityGroups"]
    assert [g["GroupName"] for g in groups] == ["default"]
    # The same layer still reads.
    assert sessions.client(A, "us-east-1", "s3").list_buckets()["Buckets"] == []
    assert sent == [("s3", "ListBuckets")]


def test_the_scan_sees_every_call_site():
    """A reader call whose operation is not a literal is a permission nobody checked."""
    found = scan()
    assert found.dynamic == []
    assert len(found.audit) >= 10  # the scan is reading the collectors, not an empty tree
    assert Operation("iam", "GetAccountSummary") in found.audit


def test_every_operation_the_suite_can_call_is_a_read():
    found = scan()
    assert sorted(op for op in found.audit | found.base if not is_read_only(op.service, op.name)) == []


def test_every_operation_is_granted_by_security_audit_or_view_only_access():
    found = scan()
    # sts:GetCallerIdentity needs no permission; sts:AssumeRole is granted by the audit
    # role's trust policy, not by a permissions policy in the audited account.
    needed = sorted(op for op in found.audit | found.base if op.service != "sts")
    missing = [op.action for op in needed if not granted_by(op.action)]
    assert missing == [], f"not granted by {' or '.join(AUDIT_POLICIES)}: {missing}"
    # The README recommends SecurityAudit alone: it must cover everything.
    assert [op.action for op in needed if "SecurityAudit" not in granted_by(op.action)] == []


def test_the_policy_matcher_honours_wildcards_and_refuses_writes():
    assert granted_by("s3:GetBucketPolicy") == ["SecurityAudit"]  # via s3:Get*-style patterns
    assert "ViewOnlyAccess" in granted_by("ec2:DescribeInstances")
    assert granted_by("s3:PutBucketPolicy") == []
    assert granted_by("iam:CreateUser") == []


def test_the_readme_permissions_table_lists_exactly_what_the_source_can_call():
    """Every new read goes into the README's table (issue 14); nothing stale stays there."""
    from tests.harness import REPO

    readme = (REPO / "README.md").read_text()
    table = readme.split("| IAM prefix | actions the audit role needs", 1)[1].split("\n\n", 1)[0]
    listed = {
        f"{row.split('|')[1].strip().strip('`')}:{action.strip()}"
        for row in table.splitlines()[2:]
        for action in row.split("|")[2].split(",")
    }
    found = scan()
    assert listed == {op.action for op in found.audit if op.service != "sts"}
