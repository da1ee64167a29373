"""Section 1 controls, both sides of each, against in-process moto.

Each test seeds passing and failing resources in one estate and runs the audit once
(about two seconds each), asserting every finding's status and exact message.
"""
from __future__ import annotations

import datetime as dt
import json


from pytest_cis_aws.aws.errors import AwsCallError

from pytest_cis_aws.demo import gaps, iam_state
from pytest_cis_aws.registry import by_id
from tests.harness import A, B, C
from tests.refusals import Refuse

NOW = dt.datetime.now(dt.timezone.utc)
ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": "*"}]}
S3_READ = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}
TRUST_EC2 = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def denied(account: str, service: str, operation: str) -> str:
    """The ERROR message of a unit whose evidence AWS refused (AccessDenied)."""
    error = AwsCallError(account, "global", service, operation, "AccessDenied", f"not authorized to perform {service}:{operation}")
    return str(error)


def days_ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def key_id(moto, user: str, number: int = 1, account: str = A) -> str:
    """The id of a user's access key ``number``, in creation order (the credential report's)."""
    return iam_state.backend(account).get_user(user).access_keys[number - 1].access_key_id


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
                plugins=[Refuse(C, ("account", "GetAlternateContact"))])

    def outcome(control, account):
        found = run.one(control, account=account)
        return found.status, found.message

    registry = by_id()
    for manual in ("1.1", "1.3", "1.21"):
        assert {outcome(manual, a) for a in (A, B, C)} == {("MANUAL", registry[manual].manual_check)}

    assert outcome("1.2", A) == ("FAIL", f"account {A} has no security contact registered")
    assert outcome("1.2", B) == ("PASS", "")
    assert outcome("1.2", C) == ("ERROR", denied(C, "account", "GetAlternateContact"))

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
    # The evidence behind the verdict: the deciding field and the call it came from.
    assert run.one("1.8", account=C).evidence == [
        {"source": "iam:GetAccountPasswordPolicy", "fields": {"MinimumPasswordLength": 8}}]
    assert run.one("1.8", account=A).evidence == [
        {"source": "iam:GetAccountPasswordPolicy", "fields": {"MinimumPasswordLength": None}}]
    assert outcome("1.9", A) == ("FAIL", f"account {A} has no IAM password policy")
    assert outcome("1.9", B) == ("PASS", "")
    assert outcome("1.9", C) == (
        "FAIL", f"the password policy of account {C} remembers 5 previous passwords, fewer than 24"
    )

    assert outcome("1.17", A) == ("FAIL", f"no IAM role in account {A} has the AWSSupportAccess policy attached")
    assert outcome("1.17", B) == ("PASS", "")

    assert outcome("1.22", A) == ("FAIL", f"AWSCloudShellFullAccess is attached to user/dev, role/ops in account {A}")
    assert outcome("1.22", B) == outcome("1.22", C) == ("PASS", "")


# -- IAM users and their credentials: 1.10-1.15 ------------------------------------------
def seed_users(moto):
    """alice does everything right; bob is a forgotten console user; carol is a key-only user."""
    iam = moto.client("iam", A)
    iam.create_group(GroupName="developers")
    for name in ("alice", "bob", "carol"):
        iam.create_user(UserName=name)
    iam.add_user_to_group(GroupName="developers", UserName="alice")

    iam.create_login_profile(UserName="alice", Password="Correct-Horse-1")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=device, AuthenticationCode1="123456",
                          AuthenticationCode2="654321")
    iam.create_access_key(UserName="alice")
    iam_state.set_user_dates(A, "alice", created=days_ago(10), password_last_used=days_ago(1))
    iam_state.set_key_dates(A, "alice", 1, created=days_ago(10), last_used=days_ago(5))

    iam.create_login_profile(UserName="bob", Password="Tr0ub4dor&3")
    iam.create_access_key(UserName="bob")
    policy = iam.create_policy(PolicyName="bob-extras", PolicyDocument=json.dumps(S3_READ))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="bob", PolicyArn=policy)
    iam.put_user_policy(UserName="bob", PolicyName="bob-inline", PolicyDocument=json.dumps(S3_READ))
    iam_state.set_user_dates(A, "bob", created=days_ago(100))
    iam_state.set_key_dates(A, "bob", 1, created=days_ago(100))

    iam.create_access_key(UserName="carol")
    iam.create_access_key(UserName="carol")
    iam_state.set_user_dates(A, "carol", created=days_ago(120))
    iam_state.set_key_dates(A, "carol", 1, created=days_ago(30), last_used=days_ago(2))
    iam_state.set_key_dates(A, "carol", 2, created=days_ago(80), last_used=days_ago(50))


def test_1_10_to_1_15_user_credentials_and_permissions(audit, moto):
    seed_users(moto)
    # In B the credential report is refused: its users' credential controls are ERRORs, never passes.
    iam_b = moto.client("iam", B)
    iam_b.create_user(UserName="frank")
    iam_b.create_login_profile(UserName="frank", Password="Whatever-It-Is-1")
    run = audit("1.10", "1.11", "1.12", "1.13", "1.14", "1.15", accounts=[A, B],
                plugins=[Refuse(B, ("iam", "GetCredentialReport"))])
    bob_key, carol_1, carol_2 = key_id(moto, "bob"), key_id(moto, "carol", 1), key_id(moto, "carol", 2)

    def outcome(control, label):
        found = [f for f in run.of(control) if f.test_id.endswith(f"[{A}-global-user/{label}]")]
        assert len(found) == 1, (control, label, run.of(control))
        return found[0].status, found[0].message

    passed = ("PASS", "")
    assert outcome("1.10", "alice") == passed
    assert outcome("1.10", "bob") == ("FAIL", "IAM user bob has a console password and no MFA device")
    assert not run.of("1.10", resource=f"arn:aws:iam::{A}:user/carol")  # no console password: not a unit

    assert outcome("1.11", "alice") == outcome("1.11", "carol") == passed
    assert outcome("1.11", "bob") == (
        "FAIL", f"IAM user bob has a console password and an active access key {bob_key} never used"
    )

    assert outcome("1.12", "alice") == passed
    assert outcome("1.12", "bob") == (
        "FAIL",
        "IAM user bob has credentials unused for 45 days or more: console password never used, "
        f"issued 100 days ago; access key {bob_key} never used, issued 100 days ago",
    )
    assert outcome("1.12", "carol") == (
        "FAIL", f"IAM user carol has credentials unused for 45 days or more: access key {carol_2} last used 50 days ago"
    )

    assert outcome("1.13", "alice") == outcome("1.13", "bob") == passed
    assert outcome("1.13", "carol") == ("FAIL", f"IAM user carol has 2 active access keys: {carol_2}, {carol_1}")  # oldest first

    alice_key = key_id(moto, "alice")
    assert outcome("1.14", f"alice/access-key/{alice_key}") == passed
    assert run.one("1.14", resource=bob_key).message == (
        f"access key {bob_key} of IAM user bob was last rotated 100 days ago (more than 90 days)"
    )
    assert outcome("1.14", f"carol/access-key/{carol_1}") == outcome("1.14", f"carol/access-key/{carol_2}") == passed
    # each key is its own finding, named by its id: AWS gives access keys no ARN
    assert sorted(f.resource for f in run.of("1.14", account=A)) == sorted([alice_key, bob_key, carol_1, carol_2])

    assert outcome("1.15", "alice") == outcome("1.15", "carol") == passed
    assert outcome("1.15", "bob") == (
        "FAIL", "IAM user bob has policies attached directly: bob-extras (managed), bob-inline (inline)"
    )

    refused = ("ERROR", denied(B, "iam", "GetCredentialReport"))
    for control in ("1.10", "1.11", "1.12", "1.13"):
        assert [(f.status, f.message) for f in run.of(control, account=B)] == [refused]
    assert [(f.status, f.message, f.test_id.split("[")[1]) for f in run.of("1.14", account=B)] == [
        (*refused, f"{B}-global-user/frank/access-keys]")
    ]
    assert [(f.status, f.message) for f in run.of("1.15", account=B)] == [("PASS", "")]  # needs no report


# -- resources: policies 1.16, instances 1.18, certificates 1.19, analyzers 1.20 ------------
def seed_resources(moto):
    iam = moto.client("iam", A)
    iam.create_group(GroupName="admins")
    iam.create_role(RoleName="break-glass", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    for name, document in (("everything", ADMIN), ("read-buckets", S3_READ), ("unused-admin", ADMIN)):
        iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(document))
    iam.attach_group_policy(GroupName="admins", PolicyArn=f"arn:aws:iam::{A}:policy/everything")
    iam.attach_group_policy(GroupName="admins", PolicyArn=f"arn:aws:iam::{A}:policy/read-buckets")
    iam.attach_role_policy(RoleName="break-glass", PolicyArn=iam_state.add_aws_managed_policy(A, "AdministratorAccess"))

    iam.create_instance_profile(InstanceProfileName="app")
    iam.add_role_to_instance_profile(InstanceProfileName="app", RoleName="break-glass")
    ec2 = moto.client("ec2", A, "us-east-1")
    with_role = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, IamInstanceProfile={"Name": "app"})
    bare = ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "legacy-batch"}]}],
    )

    for name in ("current-site", "old-site"):
        iam.upload_server_certificate(ServerCertificateName=name, CertificateBody="-----BEGIN CERTIFICATE-----",
                                      PrivateKey="-----BEGIN PRIVATE KEY-----")
    iam_state.set_server_certificate_expiry(A, "current-site", NOW + dt.timedelta(days=200))
    iam_state.set_server_certificate_expiry(A, "old-site", dt.datetime(2025, 3, 31, tzinfo=dt.timezone.utc))

    gaps.access_analyzer.add(A, "us-east-1", "account-analyzer")
    gaps.access_analyzer.add(A, "eu-west-1", "switched-off", status="DISABLED")
    return with_role["Instances"][0]["InstanceId"], bare["Instances"][0]["InstanceId"]


def test_1_16_1_18_1_19_1_20_policies_instances_certificates_analyzers(audit, moto):
    with_role, bare = seed_resources(moto)
    run = audit("1.16", "1.18", "1.19", "1.20", accounts=[A], regions=["us-east-1", "eu-west-1"])

    def outcome(control, resource, **where):
        found = run.one(control, resource=resource, **where)
        return found.status, found.message

    assert outcome("1.16", f"arn:aws:iam::{A}:policy/everything") == (
        "FAIL", 'the attached policy everything (version v1) allows "*" actions on "*" resources'
    )
    assert outcome("1.16", "arn:aws:iam::aws:policy/AdministratorAccess") == (
        "FAIL", 'the attached policy AdministratorAccess (version v1) allows "*" actions on "*" resources'
    )
    assert outcome("1.16", f"arn:aws:iam::{A}:policy/read-buckets") == ("PASS", "")
    # The evidence names the statement that granted "*:*" (none for the passing policy).
    assert run.one("1.16", resource=f"arn:aws:iam::{A}:policy/everything").evidence == [
        {"source": "iam:GetAccountAuthorizationDetails",
         "fields": {"PolicyName": "everything", "DefaultVersionId": "v1", "Statement": ADMIN["Statement"]}}]
    assert run.one("1.16", resource=f"arn:aws:iam::{A}:policy/read-buckets").evidence[0]["fields"]["Statement"] == []
    assert not run.of("1.16", resource=f"arn:aws:iam::{A}:policy/unused-admin")  # attached nowhere

    instance = f"arn:aws:ec2:us-east-1:{A}:instance/"
    assert outcome("1.18", instance + with_role) == ("PASS", "")
    assert outcome("1.18", instance + bare) == ("FAIL", f"EC2 instance {bare} (legacy-batch) has no IAM instance profile")

    certificate = f"arn:aws:iam::{A}:server-certificate/"
    assert outcome("1.19", certificate + "current-site") == ("PASS", "")
    assert outcome("1.19", certificate + "old-site") == ("FAIL", "the IAM server certificate old-site expired on 2025-03-31")

    assert outcome("1.20", A, region="us-east-1") == ("PASS", "")
    assert outcome("1.20", A, region="eu-west-1") == (
        "FAIL", f"account {A} has no active IAM Access Analyzer in eu-west-1"
    )


# -- thresholds at the boundary: 1.7, 1.12, 1.14, 1.19 (plugin/pytest_cis_aws/rules/ages.py) ------------------
D = "444444444444"


def test_1_7_1_12_1_14_1_19_thresholds_at_the_boundary(audit, moto, frozen_clock):
    """Threshold - 1 day, the threshold itself, threshold + 1 day, and a few hours past it."""
    now = frozen_clock

    def ago(days, hours=0):
        return now - dt.timedelta(days=days, hours=hours)

    # 1.7 (within the last 90 days fails): 89 days, 90 days (still within), 91 days, 90 days and 3 hours
    for account, when in ((A, ago(89)), (B, ago(90)), (C, ago(91)), (D, ago(90, 3))):
        moto.client("iam", account)
        iam_state.set_root(account, password_last_used=when)
    iam = moto.client("iam", A)
    # 1.12 (unused 45 days or more fails; used less than 45 days ago passes)
    for user, last_used in (("k44", ago(44)), ("k45", ago(45)), ("k45h", ago(45, 3)), ("k46", ago(46))):
        iam.create_user(UserName=user)
        iam.create_access_key(UserName=user)
        iam_state.set_key_dates(A, user, 1, created=ago(50), last_used=last_used)
    for user, last_used in (("p44h", ago(44, 23)), ("p45h", ago(45, 3))):
        iam.create_user(UserName=user)
        iam.create_login_profile(UserName=user, Password="Long-Passphrase-2026")
        iam_state.set_user_dates(A, user, created=ago(100), password_last_used=last_used)
    # 1.14 (older than 90 days fails; 90 days is still rotated in time)
    for user, created in (("r89", ago(89)), ("r90", ago(90)), ("r90h", ago(90, 3)), ("r91", ago(91))):
        iam.create_user(UserName=user)
        iam.create_access_key(UserName=user)
        iam_state.set_key_dates(A, user, 1, created=created, last_used=ago(1))
    # 1.19 (expired from its expiry instant on)
    for name, expires in (("tomorrow", ago(-1)), ("now", now), ("yesterday", ago(1))):
        iam.upload_server_certificate(ServerCertificateName=name, CertificateBody="-----BEGIN CERTIFICATE-----",
                                      PrivateKey="-----BEGIN PRIVATE KEY-----")
        iam_state.set_server_certificate_expiry(A, name, expires)

    run = audit("1.7", "1.12", "1.14", "1.19", accounts=[A, B, C, D])

    def found(control, **where):
        finding = run.one(control, **where)
        return finding.status, finding.message

    root = "the root user of account {} was last used on {:%Y-%m-%d} ({} ago, within 90 days)"
    assert found("1.7", account=A) == ("FAIL", root.format(A, ago(89), "89 days"))
    assert found("1.7", account=B) == ("FAIL", root.format(B, ago(90), "90 days"))
    assert found("1.7", account=C) == found("1.7", account=D) == ("PASS", "")

    def user(name):
        return f"arn:aws:iam::{A}:user/{name}"

    unused = "IAM user {} has credentials unused for 45 days or more: {}"
    assert found("1.12", resource=user("k44")) == found("1.12", resource=user("p44h")) == ("PASS", "")
    for name, age in (("k45", "45 days"), ("k45h", "45 days and 3 hours"), ("k46", "46 days")):
        assert found("1.12", resource=user(name)) == (
            "FAIL", unused.format(name, f"access key {key_id(moto, name)} last used {age} ago")
        )
    assert found("1.12", resource=user("p45h")) == (
        "FAIL", unused.format("p45h", "console password last used 45 days and 3 hours ago")
    )

    rotated = "access key {} of IAM user {} was last rotated {} ago (more than 90 days)"
    assert found("1.14", resource=key_id(moto, "r89")) == found("1.14", resource=key_id(moto, "r90")) == ("PASS", "")
    for name, age in (("r90h", "90 days and 3 hours"), ("r91", "91 days")):
        assert found("1.14", resource=key_id(moto, name)) == ("FAIL", rotated.format(key_id(moto, name), name, age))

    certificate = f"arn:aws:iam::{A}:server-certificate/"
    assert found("1.19", resource=certificate + "tomorrow") == ("PASS", "")
    for name, expires in (("now", now), ("yesterday", ago(1))):
        assert found("1.19", resource=certificate + name) == (
            "FAIL", f"the IAM server certificate {name} expired on {expires:%Y-%m-%d}"
        )


def test_1_11_to_1_14_name_each_key_in_messages_fixes_and_waivers(audit, moto, pytester):
    """Key ids in every message and fix; a waiver for one key; unreadable keys are ERRORs."""
    seed_users(moto)
    iam = moto.client("iam", A)
    iam.create_user(UserName="dave")  # two keys, both overdue for rotation, both unused
    iam.create_login_profile(UserName="dave", Password="Long-Passphrase-2026")
    for number in (1, 2):
        iam.create_access_key(UserName="dave")
        iam_state.set_key_dates(A, "dave", number, created=days_ago(200 - number))
    iam_state.set_user_dates(A, "dave", created=days_ago(300), password_last_used=days_ago(3))
    dave_1, dave_2, bob_key = key_id(moto, "dave", 1), key_id(moto, "dave", 2), key_id(moto, "bob")
    waivers = pytester.path / "waivers.yaml"
    waivers.write_text(
        f'waivers:\n  - {{control: "1.14", resource: "{dave_1}", reason: "replaced this week", '
        f'owner: "platform", expires: "2099-01-01"}}\n'
    )
    # B: frank has a key, but the audit may not list his keys
    iam_b = moto.client("iam", B)
    for name in ("frank", "grace"):
        iam_b.create_user(UserName=name)
        iam_b.create_login_profile(UserName=name, Password="Long-Passphrase-2026")
    iam_b.create_access_key(UserName="frank")
    refuse = Refuse(B, ("iam", "ListAccessKeys"), only_if=lambda params: params.get("UserName") == "frank")
    run = audit("1.10", "1.11", "1.12", "1.13", "1.14", accounts=[A, B], plugins=[refuse],
                args=["--cis-waivers", str(waivers)])

    dave = f"{A}-global-user/dave"
    assert run.one("1.11", resource=f"arn:aws:iam::{A}:user/dave").message == (
        f"IAM user dave has a console password and an active access key {dave_1} and {dave_2} never used"
    )
    assert run.fixes("1.11")[dave] == (
        f"aws iam update-access-key --user-name dave --access-key-id {dave_1} --status Inactive; "
        f"aws iam update-access-key --user-name dave --access-key-id {dave_2} --status Inactive"
    )
    assert run.fixes("1.12")[f"{A}-global-user/bob"] == (
        "aws iam delete-login-profile --user-name bob; "
        f"aws iam update-access-key --user-name bob --access-key-id {bob_key} --status Inactive"
    )
    assert run.fixes("1.12")[dave] == (
        f"aws iam update-access-key --user-name dave --access-key-id {dave_1} --status Inactive; "
        f"aws iam update-access-key --user-name dave --access-key-id {dave_2} --status Inactive"
    )
    # 1.13 keeps the key used (or, never used, created) last and deactivates the other
    assert run.fixes("1.13")[dave] == f"aws iam update-access-key --user-name dave --access-key-id {dave_1} --status Inactive"
    assert (run.one("1.14", resource=dave_1).status, run.one("1.14", resource=dave_2).status) == ("WAIVED", "FAIL")
    assert run.fixes("1.14") [f"{dave}/access-key/{dave_2}"] == (
        f"aws iam update-access-key --user-name dave --access-key-id {dave_2} --status Inactive"
    )

    listing = ("ERROR", denied(B, "iam", "ListAccessKeys"))
    for control in ("1.11", "1.12", "1.13"):
        assert (run.one(control, account=B, resource=f"arn:aws:iam::{B}:user/frank").status,
                run.one(control, account=B, resource=f"arn:aws:iam::{B}:user/frank").message) == listing
        assert run.one(control, resource=f"arn:aws:iam::{B}:user/grace").status == "PASS"  # no keys: not listed
    assert [(f.status, f.message) for f in run.of("1.14", account=B)] == [listing]
    assert run.one("1.10", resource=f"arn:aws:iam::{B}:user/frank").status == "FAIL"  # needs no key ids
