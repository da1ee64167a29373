"""2.1.1 and 3.3 policy and ACL rules, spelling by spelling."""
import pytest

from pytest_cis_aws.rules import s3_policy

BUCKET = "data"


def deny(**overrides):
    statement = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    statement.update(overrides)
    return {"Statement": [statement]}


@pytest.mark.parametrize(
    "policy",
    [
        deny(),
        deny(Principal={"AWS": "*"}),
        deny(Principal={"AWS": ["arn:aws:iam::111111111111:root", "*"]}),
        deny(Action=["s3:GetObject", "*"]),
        deny(Action="S3:*"),
        deny(Resource="arn:aws:s3:::data/*"),
        deny(Resource="*"),
        deny(Resource="arn:aws:s3:::*"),
        deny(Condition={"Bool": {"aws:securetransport": "FALSE"}}),
        deny(Condition={"Bool": {"aws:SecureTransport": ["false"]}}),
        deny(Condition={"Bool": {"aws:SecureTransport": False}}),
        deny(Condition={"BoolIfExists": {"aws:SecureTransport": "false"}}),
        deny(Effect="deny"),
    ],
    ids=lambda p: str(p["Statement"][0]),
)
def test_denies_insecure_transport_in_every_spelling(policy):
    assert s3_policy.denies_insecure_transport(policy, BUCKET) is True


@pytest.mark.parametrize(
    "policy",
    [
        None,
        {},
        deny(Effect="Allow"),
        deny(Principal={"AWS": "arn:aws:iam::111111111111:root"}),
        deny(Principal={"Service": "cloudtrail.amazonaws.com"}),
        deny(Action="s3:GetObject"),
        deny(Resource="arn:aws:s3:::data"),  # the bucket, not its objects
        deny(Resource="arn:aws:s3:::data/private/*"),  # only part of the objects
        deny(Resource="arn:aws:s3:::other/*"),
        deny(Condition={"Bool": {"aws:SecureTransport": "true"}}),
        deny(Condition=None),
        deny(Condition={"Bool": {"aws:SecureTransport": "false"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
        deny(Condition={"StringEquals": {"aws:SecureTransport": "false"}}),
    ],
    ids=lambda p: str(p and p.get("Statement", [{}])[0]),
)
def test_does_not_count_a_deny_that_is_not_effective(policy):
    assert s3_policy.denies_insecure_transport(policy, BUCKET) is False


def test_policy_text_is_parsed():
    import json

    assert s3_policy.denies_insecure_transport(json.dumps(deny()), BUCKET) is True


def test_public_grants_name_the_groups():
    acl = {"Grants": [
        {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}, "Permission": "READ"},
        {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ_ACP"},
        {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"}, "Permission": "WRITE"},
        {"Grantee": {"Type": "CanonicalUser", "ID": "abc"}, "Permission": "FULL_CONTROL"},
    ]}
    assert s3_policy.public_grants(acl) == ["AllUsers", "AuthenticatedUsers"]
    assert s3_policy.public_grants({"Grants": acl["Grants"][2:]}) == []
