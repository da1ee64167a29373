"""moto's IAM gaps, filled by setting its backend state (demo seeding and our tests).

moto has no root user, so it has no ``<root_account>`` row in the credential report
and no way to give root an access key or MFA; it stamps every credential with "now";
it loads no AWS-managed policies unless told to (all 1,400 of them); and it reports
every server certificate as expired in 2012. Each helper here sets what a real
account would report, straight in ``moto.iam.models.iam_backends``. This is the
seeding layer: the audit path never imports it.
"""
from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache

from moto.iam.models import AccessKeyLastUsed, AWSManagedPolicy, iam_backends

ROOT_MFA_DEVICE = "root-account-mfa-device"
_NEVER = "N/A"


def backend(account: str):
    return iam_backends[account]["global"]


def _naive_utc(when: dt.datetime) -> dt.datetime:
    """moto keeps naive UTC datetimes; keep ours the same so its serialisers agree."""
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return when


def _report_date(when: dt.datetime | None) -> str:
    return _naive_utc(when).strftime("%Y-%m-%dT%H:%M:%S+00:00") if when else _NEVER


# -- the root user ------------------------------------------------------------------
def set_root(
    account: str,
    *,
    password: bool = True,
    mfa: bool = False,
    virtual_mfa: bool = False,
    access_key: bool = False,
    password_last_used: dt.datetime | None = None,
    key_last_used: dt.datetime | None = None,
) -> None:
    """Give the account's root user MFA, an access key and recent use, as AWS would report them.

    ``virtual_mfa`` also registers the virtual device AWS names ``root-account-mfa-device``;
    ``password=False`` is a root user without a password (AWS Organizations' centralized
    root access removes it), reported as ``AccountPasswordPresent`` 0.
    """
    iam = backend(account)
    _report_root_password()
    iam.account_summary.cis_root_password = int(password)
    iam.account_summary._account_mfa_enabled = int(mfa or virtual_mfa)
    iam.account_summary._account_access_keys_present = int(access_key)
    if virtual_mfa and not any(s.endswith(ROOT_MFA_DEVICE) for s in iam.virtual_mfa_devices):
        iam.create_virtual_mfa_device(ROOT_MFA_DEVICE, "/")
    created = dt.datetime(2019, 3, 1, 12, 0, 0)
    row = [
        "<root_account>",
        f"arn:aws:iam::{account}:root",
        _report_date(created),
        "not_supported",
        _report_date(password_last_used),
        "not_supported",
        "not_supported",
        "true" if (mfa or virtual_mfa) else "false",
        "true" if access_key else "false",
        _report_date(created) if access_key else _NEVER,
        _report_date(key_last_used) if access_key else _NEVER,
        "us-east-1" if key_last_used else _NEVER,
        "iam" if key_last_used else _NEVER,
        "false", _NEVER, _NEVER, _NEVER, _NEVER,
        "false", _NEVER, "false", _NEVER,
    ]
    _with_root_row(iam, ",".join(row) + "\n")


def _report_root_password() -> None:
    """Once per process: GetAccountSummary reports AccountPasswordPresent, which AWS
    always sends and moto omits (1 unless a seed said otherwise)."""
    from moto.iam.models import AccountSummary

    summary_map = AccountSummary.summary_map
    if getattr(summary_map.fget, "cis_reports_password", False):
        return

    def with_password(self) -> dict:
        found = dict(summary_map.fget(self))
        found["AccountPasswordPresent"] = getattr(self, "cis_root_password", 1)
        return found

    with_password.cis_reports_password = True
    AccountSummary.summary_map = property(with_password)


def _with_root_row(iam, row: str) -> None:
    """moto builds the report from its users only; put the root row first, as AWS does."""
    iam.cis_root_row = row
    if getattr(iam, "cis_report_wrapped", False):
        return
    build = type(iam).get_credential_report

    def report_with_root() -> str:
        header, users = build(iam).split("\n", 1)
        return f"{header}\n{iam.cis_root_row}{users}"

    iam.get_credential_report = report_with_root
    iam.cis_report_wrapped = True


# -- IAM users' credential dates --------------------------------------------------------
def set_user_dates(account: str, user: str, *, created: dt.datetime | None = None,
                   password_last_used: dt.datetime | None = None) -> None:
    """Back-date a user (moto reports its creation as the password's last change too)."""
    found = backend(account).get_user(user)
    if created is not None:
        found.create_date = _naive_utc(created)
    if password_last_used is not None:
        found.password_last_used = _naive_utc(password_last_used)


def set_key_dates(account: str, user: str, number: int, *, created: dt.datetime | None = None,
                  last_used: dt.datetime | None = None) -> None:
    """Back-date access key ``number`` (1 or 2, the credential report's order) of a user."""
    key = backend(account).get_user(user).access_keys[number - 1]
    if created is not None:
        key.create_date = _naive_utc(created)
    if last_used is not None:
        key.last_used = AccessKeyLastUsed(_naive_utc(last_used), "iam", "us-east-1")


# -- AWS-managed policies ---------------------------------------------------------------
@lru_cache(maxsize=1)
def _aws_policy_data() -> dict:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    return json.loads(aws_managed_policies_data)


def add_aws_managed_policy(account: str, name: str) -> str:
    """Make one AWS-managed policy exist (and be attachable) in the account; returns its ARN."""
    iam = backend(account)
    arn = f"arn:aws:iam::aws:policy/{name}"
    if arn not in iam.managed_policies:
        policy = AWSManagedPolicy.from_data(name, account, iam.region_name, _aws_policy_data()[name])
        iam.managed_policies[policy.arn] = policy
        iam.aws_managed_policies.append(policy)
    return arn


# -- server certificates --------------------------------------------------------------
def set_server_certificate_expiry(account: str, name: str, expires: dt.datetime) -> None:
    """Give an uploaded server certificate its real expiry date (moto always says 2012)."""
    _report_certificate_expiry()
    backend(account).get_server_certificate(name).cis_expiration = _naive_utc(expires)


def _report_certificate_expiry() -> None:
    """Once per process: ListServerCertificates reports a certificate's seeded expiry."""
    from moto.iam.responses import IamResponse

    listing = IamResponse.list_server_certificates
    if getattr(listing, "cis_reports_expiry", False):
        return

    def list_server_certificates(self):
        result = listing(self)
        expiry = {c.cert_name: getattr(c, "cis_expiration", None) for c in self.backend.list_server_certificates()}
        for entry in result.result["ServerCertificateMetadataList"]:
            when = expiry.get(entry["ServerCertificateName"])
            if when is not None:
                entry["Expiration"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        return result

    list_server_certificates.cis_reports_expiry = True
    IamResponse.list_server_certificates = list_server_certificates
