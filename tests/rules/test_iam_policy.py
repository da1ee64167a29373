"""The "*:*" rule (1.16), credential-report parsing and staleness (1.7, 1.12), and the
attached-policy collector's GetPolicyVersion fallback, without AWS."""
from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote

import pytest

from pytest_cis_aws.aws.errors import AwsCallError
from pytest_cis_aws.aws.reader import Read
from pytest_cis_aws.collectors import iam
from pytest_cis_aws.rules import iam_policy

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)


def allow(action, resource="*", effect="Allow", **extra):
    return {"Version": "2012-10-17", "Statement": [{"Effect": effect, "Action": action, "Resource": resource, **extra}]}


@pytest.mark.parametrize(
    "document",
    [
        allow("*"),
        allow(["s3:GetObject", "*"]),
        allow("*", ["arn:aws:s3:::b", "*"]),
        {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}},  # a lone statement object
        json.dumps(allow("*")),
        quote(json.dumps(allow("*"))),  # IAM's URL-encoded form
    ],
)
def test_full_admin_documents_are_recognised(document):
    assert iam_policy.allows_full_admin(document)


@pytest.mark.parametrize(
    "document",
    [
        allow("s3:*"),
        allow("*", "arn:aws:s3:::only-this"),
        allow("*", effect="Deny"),
        {"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]},
        {"Statement": []},
    ],
)
def test_narrower_documents_are_not_full_admin(document):
    assert not iam_policy.allows_full_admin(document)


def test_default_version_document_picks_the_default():
    versions = [{"VersionId": "v1", "IsDefaultVersion": False, "Document": allow("*")},
                {"VersionId": "v2", "IsDefaultVersion": True, "Document": allow("s3:*")}]
    assert iam_policy.default_version_document(versions) == allow("s3:*")
    assert iam_policy.default_version_document([]) is None


def test_credential_report_dates():
    assert iam.parse_report_date("2026-05-01T10:00:00+00:00") == dt.datetime(2026, 5, 1, 10, tzinfo=dt.timezone.utc)
    for missing in ("N/A", "no_information", "not_supported", "", None):
        assert iam.parse_report_date(missing) is None


def user(**fields):
    base = dict(account="1", region="global", resource="arn", name="u", arn="arn", checked_at=NOW)
    return iam.IamUser(**(base | fields))


def test_stale_credentials_judges_use_then_issue_date():
    days = lambda n, hours=0: NOW - dt.timedelta(days=n, hours=hours)  # noqa: E731
    key = iam.UserKey
    fresh = user(password_enabled=True, password_last_used=days(44, 23), password_last_changed=days(400),
                 access_keys=(key("AKIA1", True, days(300), days(3)), key("AKIA2", False, days(300), None)))
    assert iam.stale_credentials(fresh) == []  # used less than 45 days ago; an inactive key is not judged
    stale = user(password_enabled=True, password_last_used=None, password_last_changed=days(45),
                 access_keys=(key("AKIA3", True, days(10), None), key("AKIA4", True, days(200), days(45, 3))))
    assert iam.stale_credentials(stale) == [
        iam.StaleCredential(None, "console password never used, issued 45 days ago"),
        iam.StaleCredential("AKIA4", "access key AKIA4 last used 45 days and 3 hours ago"),
    ]
    assert (stale.stale_password, stale.stale_key_ids) == (("u",), ("AKIA4",))


def test_report_slots_are_matched_to_listed_keys_by_creation_date():
    created = [NOW - dt.timedelta(days=n) for n in (80, 30, 5)]
    row = {  # slot 1 was rotated into the key made 30 days ago; slot 2 holds the 80-day-old key
        "access_key_1_active": "true", "access_key_1_last_rotated": created[1].isoformat(),
        "access_key_1_last_used_date": (NOW - dt.timedelta(days=1)).isoformat(),
        "access_key_2_active": "true", "access_key_2_last_rotated": created[0].isoformat(),
        "access_key_2_last_used_date": "N/A",
    }
    listed = [  # ListAccessKeys; a key newer than the report has no slot, so no recorded use
        {"AccessKeyId": "AKIAOLD", "Status": "Active", "CreateDate": created[0].replace(microsecond=123)},
        {"AccessKeyId": "AKIANEW", "Status": "Inactive", "CreateDate": created[2]},
        {"AccessKeyId": "AKIAMID", "Status": "Active", "CreateDate": created[1]},
    ]
    assert iam.user_keys(listed, row) == (
        iam.UserKey("AKIAOLD", True, created[0].replace(microsecond=123), None),
        iam.UserKey("AKIAMID", True, created[1], NOW.replace(microsecond=0) - dt.timedelta(days=1)),
        iam.UserKey("AKIANEW", False, created[2], None),
    )


def test_root_usage_is_the_latest_of_password_and_keys():
    usage = iam.RootUsage(NOW - dt.timedelta(days=9), (None, NOW - dt.timedelta(days=2)))
    assert usage.last_used == NOW - dt.timedelta(days=2)
    assert iam.RootUsage().last_used is None


class FakeAws:
    """The collector's view of one account, answering from canned responses."""

    account = "111111111111"
    now = NOW

    def __init__(self, responses: dict):
        self.responses = responses
        self.asked = []

    def call(self, service, operation, region="global", absent=(), **params):
        self.asked.append((operation, params))
        answer = self.responses[operation]
        answer = answer(params) if callable(answer) else answer
        if isinstance(answer, AwsCallError):
            raise answer
        return answer

    def read(self, *args, **kwargs):
        try:
            return Read(self.call(*args, **kwargs))
        except AwsCallError as error:
            return Read(None, error)


def test_attached_policies_read_documents_gaad_lacks_with_get_policy_version():
    customer = "arn:aws:iam::111111111111:policy/ops"
    aws_admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    aws_denied = "arn:aws:iam::aws:policy/PowerUserAccess"
    denied = AwsCallError("111111111111", "global", "iam", "GetPolicyVersion", "AccessDenied", "no")
    fake = FakeAws({
        "ListPolicies": {"Policies": [
            {"PolicyName": "ops", "Arn": customer, "DefaultVersionId": "v2"},
            {"PolicyName": "AdministratorAccess", "Arn": aws_admin, "DefaultVersionId": "v1"},
            {"PolicyName": "PowerUserAccess", "Arn": aws_denied, "DefaultVersionId": "v5"},
        ]},
        "GetAccountAuthorizationDetails": {"Policies": [
            {"Arn": customer, "PolicyVersionList": [{"VersionId": "v2", "IsDefaultVersion": True,
                                                     "Document": quote(json.dumps(allow("ec2:*")))}]},
        ]},
        "GetPolicyVersion": lambda params: (
            denied if params["PolicyArn"] == aws_denied else {"PolicyVersion": {"Document": allow("*")}}
        ),
    })
    found = {p.name: p for p in iam.attached_policies.fn(fake)}
    assert found["ops"].document == allow("ec2:*") and not found["ops"].aws_managed
    assert found["AdministratorAccess"].document == allow("*") and found["AdministratorAccess"].aws_managed
    assert found["PowerUserAccess"].errors == {"document": denied}
    assert ("GetPolicyVersion", {"PolicyArn": customer, "VersionId": "v2"}) not in fake.asked
    # GAAD is asked without the AWS-managed policies' bodies: those attached are read one by one.
    gaad = [params for operation, params in fake.asked if operation == "GetAccountAuthorizationDetails"]
    assert gaad == [{"Filter": ["User", "LocalManagedPolicy"]}]
    assert {params["PolicyArn"] for operation, params in fake.asked if operation == "GetPolicyVersion"} == {
        aws_admin, aws_denied,
    }
