"""The "*:*" rule (1.16), credential-report parsing and staleness (1.7, 1.12), and the
attached-policy collector's GetPolicyVersion fallback, without AWS."""
from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote

import pytest

from plugin.aws.errors import AwsCallError
from plugin.aws.reader import Read
from plugin.evidence import iam
from plugin.rules import iam_policy

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
    days = lambda n: NOW - dt.timedelta(days=n)  # noqa: E731
    slot = iam.AccessKeySlot
    fresh = user(password_enabled=True, password_last_used=days(45), password_last_changed=days(400),
                 access_keys=(slot(1, True, days(300), days(3)), slot(2, False, days(300), None)))
    assert iam.stale_credentials(fresh, 45) == []  # exactly 45 days is not "more than 45"
    stale = user(password_enabled=True, password_last_used=None, password_last_changed=days(46),
                 access_keys=(slot(1, True, days(10), None), slot(2, True, days(200), days(60))))
    assert iam.stale_credentials(stale, 45) == [
        "console password never used, issued 46 days ago",
        "access key 2 last used 60 days ago",
    ]


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
