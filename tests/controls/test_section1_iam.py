"""Section 1 controls, both sides of each, against in-process moto.

Each test seeds passing and failing resources in one estate and runs the audit once
(about two seconds each), asserting every finding's status and exact message.
"""
from __future__ import annotations

import datetime as dt
import json

from botocore.exceptions import ClientError

from plugin.demo import gaps, iam_state
from plugin.registry import by_id
from tests.harness import A, B, C

NOW = dt.datetime.now(dt.timezone.utc)
ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": "*"}]}
S3_READ = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}
TRUST_EC2 = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def days_ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


class DenyOperation:
    """A plugin for the in-process audit: one operation in one account answers AccessDenied."""

    def __init__(self, account: str, service: str, operation: str):
        self.account, self.service, self.operation = account, service, operation

    def pytest_cis_configure_session(self, session, account):
        if account != self.account:
            return

        def deny(model, **_):
            if model.name != self.operation:
                return None
            error = {"Code": "AccessDenied", "Message": f"not authorized to perform {self.service}:{model.name}"}
            raise ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 403}}, model.name)

        session.events.register_last(f"before-call.{self.service}", deny)


# -- account-level controls: 1.1-1.9, 1.17, 1.22 ----------------------------------------
def seed_accounts(moto):
    """A: careless (root key, virtual MFA, root used 10 days ago, no password policy, CloudShell granted).
    B: careful (hardware MFA, root last used 200 days ago, strong policy, support role, security contact).
    C: no MFA, root used 40 days ago, a weak password policy, and the account API denied to the audit."""
    for account in (A, B, C):
        moto.client("iam", account)
    iam_state.set_root(A, access_key=True, virtual_mfa=True, key_last_used=days_ago(10))
    iam_state.set_root(B, mfa=True, password_last_used=days_ago(200))
    iam_state.set_root(C, password_last_used=days_ago(40))  # outside the 30-day window this run uses

    iam_b = moto.client("iam", B)
    iam_b.update_account_password_policy(MinimumPasswordLength=14, PasswordReusePrevention=24)
    moto.client("iam", C).update_account_password_policy(MinimumPasswordLength=8, PasswordReusePrevention=5)
    moto.client("account", B).put_alternate_contact(
        AlternateContactType="SECURITY", Name="SecOps", Title="Security", EmailAddress="sec@example.com",
        PhoneNumber="+1-555-0100",
    )
    support = iam_state.add_aws_managed_policy(B, "AWSSupportAccess")
    iam_b.create_role(RoleName="aws-support", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    iam_b.attach_role_policy(RoleName="aws-support", PolicyArn=support)

    iam_a = moto.client("iam", A)
    cloudshell = iam_state.add_aws_managed_policy(A, "AWSCloudShellFullAccess")
    iam_a.create_user(UserName="dev")
    iam_a.attach_user_policy(UserName="dev", PolicyArn=cloudshell)
    iam_a.create_role(RoleName="ops", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    iam_a.attach_role_policy(RoleName="ops", PolicyArn=cloudshell)


def test_1_1_to_1_9_1_17_1_21_1_22_account_controls(audit, moto):
    seed_accounts(moto)
    run = audit("1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.17", "1.21", "1.22",
                accounts=[A, B, C], args=["--cis-root-use-days", "30"],
                plugins=[DenyOperation(C, "account", "GetAlternateContact")])

    def outcome(control, account):
        found = run.one(control, account=account)
        return found.status, found.message

    registry = by_id()
    for manual in ("1.1", "1.3", "1.21"):
        assert {outcome(manual, a) for a in (A, B, C)} == {("MANUAL", registry[manual].manual_check)}

    assert outcome("1.2", A) == ("FAIL", f"account {A} has no security contact registered")
    assert outcome("1.2", B) == ("PASS", "")
    assert outcome("1.2", C) == (
        "ERROR",
        f"account:GetAlternateContact failed in account {C}, region global: AccessDenied "
        f"(not authorized to perform account:GetAlternateContact); grant account:GetAlternateContact to the audit role",
    )

    assert outcome("1.4", A) == ("FAIL", f"the root user of account {A} has an access key")
    assert outcome("1.4", B) == outcome("1.4", C) == ("PASS", "")

    assert outcome("1.5", A) == outcome("1.5", B) == ("PASS", "")
    assert outcome("1.5", C) == ("FAIL", f"the root user of account {C} has no MFA")

    assert outcome("1.6", A) == ("FAIL", f"the root user of account {A} uses a virtual MFA device, not a hardware one")
    assert outcome("1.6", B) == ("PASS", "")
    assert outcome("1.6", C) == ("FAIL", f"the root user of account {C} has no MFA")

    used = days_ago(10)
    assert outcome("1.7", A) == (
        "FAIL", f"the root user of account {A} was last used on {used:%Y-%m-%d} (10 days ago, within 30 days)"
    )
    # B: 200 days ago; C: 40 days ago, which the default 90-day window would fail.
    assert outcome("1.7", B) == outcome("1.7", C) == ("PASS", "")

    assert outcome("1.8", A) == ("FAIL", f"account {A} has no IAM password policy")
    assert outcome("1.8", B) == ("PASS", "")
    assert outcome("1.8", C) == (
        "FAIL", f"the password policy of account {C} requires 8 characters, fewer than 14"
    )
    assert outcome("1.9", A) == ("FAIL", f"account {A} has no IAM password policy")
    assert outcome("1.9", B) == ("PASS", "")
    assert outcome("1.9", C) == (
        "FAIL", f"the password policy of account {C} remembers 5 previous passwords, fewer than 24"
    )

    assert outcome("1.17", A) == ("FAIL", f"no IAM role in account {A} has the AWSSupportAccess policy attached")
    assert outcome("1.17", B) == ("PASS", "")

    assert outcome("1.22", A) == ("FAIL", f"AWSCloudShellFullAccess is attached to user/dev, role/ops in account {A}")
    assert outcome("1.22", B) == outcome("1.22", C) == ("PASS", "")
