"""Demo estate for section 1 (IAM): every control shows both outcomes somewhere.

Three kinds of account: a well-run one (``first``), a neglected one (``second``) and
a half-done one (``third``). moto's IAM gaps (root user, credential dates, AWS-managed
policies, certificate expiry) are set through ``iam_state``; Access Analyzer, which
moto lacks, is seeded into its filler.
"""
from __future__ import annotations

import datetime as dt
import json

from .. import gaps, iam_state
from ..clients import EstateClients

IMAGE = "ami-12c6146b"  # one of moto's bundled images
EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
SUPPORT_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole"}],
}
FULL_ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
DEPLOY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:PutObject", "cloudfront:CreateInvalidation"], "Resource": "*"}],
}


def _ago(days: int) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)


def seed(clients: EstateClients, accounts: tuple[str, ...], regions: tuple[str, ...]) -> None:
    first, second, third = (accounts[i % len(accounts)] for i in range(3))
    _well_run(clients, first, regions)
    _neglected(clients, second, regions)
    _half_done(clients, third, regions)


def _well_run(clients: EstateClients, account: str, regions: tuple[str, ...]) -> None:
    iam = clients.client("iam", account)
    iam_state.set_root(account, mfa=True, password_last_used=_ago(200))
    iam.update_account_password_policy(MinimumPasswordLength=16, PasswordReusePrevention=24,
                                       RequireSymbols=True, RequireNumbers=True)
    _security_contact(clients, account)
    _support_role(iam, account)
    iam.create_group(GroupName="developers")
    iam.attach_group_policy(GroupName="developers", PolicyArn=_policy(iam, "deploy-site", DEPLOY))

    iam.create_user(UserName="alice")
    iam.add_user_to_group(GroupName="developers", UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Long-Passphrase-2026")
    _mfa(iam, "alice")
    iam.create_access_key(UserName="alice")
    iam_state.set_user_dates(account, "alice", created=_ago(30), password_last_used=_ago(1))
    iam_state.set_key_dates(account, "alice", 1, created=_ago(30), last_used=_ago(2))

    iam.create_user(UserName="ci-deployer")  # programmatic only, rotated last month
    iam.add_user_to_group(GroupName="developers", UserName="ci-deployer")
    iam.create_access_key(UserName="ci-deployer")
    iam_state.set_user_dates(account, "ci-deployer", created=_ago(400))
    iam_state.set_key_dates(account, "ci-deployer", 1, created=_ago(25), last_used=_ago(0))

    _certificate(iam, account, "www-example-com", _ago(-300))
    iam.create_role(RoleName="app-server", AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    iam.create_instance_profile(InstanceProfileName="app-server")
    iam.add_role_to_instance_profile(InstanceProfileName="app-server", RoleName="app-server")
    clients.client("ec2", account, regions[0]).run_instances(
        ImageId=IMAGE, MinCount=1, MaxCount=1, IamInstanceProfile={"Name": "app-server"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "app-server"}]}],
    )
    for region in regions:
        gaps.access_analyzer.add(account, region, "account-analyzer")


def _neglected(clients: EstateClients, account: str, regions: tuple[str, ...]) -> None:
    iam = clients.client("iam", account)
    iam_state.set_root(account, virtual_mfa=True, access_key=True, key_last_used=_ago(5))
    iam.update_account_password_policy(MinimumPasswordLength=8, PasswordReusePrevention=3)
    cloudshell = iam_state.add_aws_managed_policy(account, "AWSCloudShellFullAccess")
    iam.create_group(GroupName="everyone")
    iam.attach_group_policy(GroupName="everyone", PolicyArn=cloudshell)
    iam.attach_group_policy(GroupName="everyone", PolicyArn=_policy(iam, "admin-all", FULL_ADMIN))
    iam.create_role(RoleName="legacy-admin", AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    iam.attach_role_policy(RoleName="legacy-admin",
                           PolicyArn=iam_state.add_aws_managed_policy(account, "AdministratorAccess"))

    iam.create_user(UserName="bob")  # set up with everything "just in case", then forgotten
    iam.add_user_to_group(GroupName="everyone", UserName="bob")
    iam.create_login_profile(UserName="bob", Password="Summer2019!")
    iam.create_access_key(UserName="bob")
    iam.attach_user_policy(UserName="bob", PolicyArn=_policy(iam, "bob-deploy", DEPLOY))
    iam_state.set_user_dates(account, "bob", created=_ago(120))
    iam_state.set_key_dates(account, "bob", 1, created=_ago(120))

    iam.create_user(UserName="dave")  # two live keys, the older one long overdue for rotation
    iam.add_user_to_group(GroupName="everyone", UserName="dave")
    iam.create_access_key(UserName="dave")
    iam.create_access_key(UserName="dave")
    iam_state.set_user_dates(account, "dave", created=_ago(300))
    iam_state.set_key_dates(account, "dave", 1, created=_ago(200), last_used=_ago(60))
    iam_state.set_key_dates(account, "dave", 2, created=_ago(20), last_used=_ago(1))

    _certificate(iam, account, "old-shop-example-com", dt.datetime(2025, 2, 28, tzinfo=dt.timezone.utc))
    gaps.access_analyzer.add(account, regions[0], "account-analyzer")


def _half_done(clients: EstateClients, account: str, regions: tuple[str, ...]) -> None:
    iam = clients.client("iam", account)
    iam_state.set_root(account)  # no MFA, no key, never used
    _security_contact(clients, account)
    _support_role(iam, account)
    iam.create_user(UserName="erin")
    iam.put_user_policy(UserName="erin", PolicyName="read-reports", PolicyDocument=json.dumps(DEPLOY))
    iam.create_login_profile(UserName="erin", Password="Another-Long-Passphrase")
    _mfa(iam, "erin")
    iam_state.set_user_dates(account, "erin", created=_ago(60), password_last_used=_ago(50))
    gaps.access_analyzer.add(account, regions[0], "paused-analyzer", status="DISABLED")
    gaps.access_analyzer.add(account, regions[-1], "org-analyzer", type="ORGANIZATION")


# -- helpers ---------------------------------------------------------------------------
def _policy(iam, name: str, document: dict) -> str:
    return iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(document))["Policy"]["Arn"]


def _mfa(iam, user: str) -> None:
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=user)["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName=user, SerialNumber=serial, AuthenticationCode1="123456",
                          AuthenticationCode2="654321")


def _support_role(iam, account: str) -> None:
    iam.create_role(RoleName="aws-support", AssumeRolePolicyDocument=json.dumps(SUPPORT_TRUST))
    iam.attach_role_policy(RoleName="aws-support", PolicyArn=iam_state.add_aws_managed_policy(account, "AWSSupportAccess"))


def _security_contact(clients: EstateClients, account: str) -> None:
    clients.client("account", account).put_alternate_contact(
        AlternateContactType="SECURITY", Name="Security Operations", Title="SecOps on call",
        EmailAddress="secops@example.com", PhoneNumber="+1-555-0100",
    )


def _certificate(iam, account: str, name: str, expires: dt.datetime) -> None:
    iam.upload_server_certificate(ServerCertificateName=name, CertificateBody="-----BEGIN CERTIFICATE-----",
                                  PrivateKey="-----BEGIN PRIVATE KEY-----")
    iam_state.set_server_certificate_expiry(account, name, expires)
