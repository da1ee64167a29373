""""Public" as AWS means it, document by document: every limiting key both ways."""
import json
from urllib.parse import quote

import pytest

from pytest_cis_aws.rules import resource_policy
from pytest_cis_aws.rules.resource_policy import PublicStatement

ORG, ACCOUNT = "o-a1b2c3d4e5", "111111111111"


def allow(condition=None, principal="*", sid="Open", **extra):
    statement = {"Sid": sid, "Effect": "Allow", "Principal": principal, "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::data/*", **extra}
    if condition is not None:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def reason(document):
    found = resource_policy.public_statements(document)
    return found[0].reason if found else None


# Each limiting key with a fixed value (not public) and with a wildcard or a value that
# does not limit (public: the reason names the key and the value).
LIMITED = [
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24"),
    ("IpAddress", "aws:SourceIp", "44.0.0.0/8"),  # a /8 is AWS's broadest limiting range
    ("IpAddress", "aws:SourceIp", "10.0.0.0/8"),
    ("IpAddress", "aws:SourceIp", "2001:db8::/32"),
    ("IpAddress", "aws:SourceIp", "198.51.100.7"),
    ("StringEquals", "aws:SourceVpc", "vpc-0abc"),
    ("StringEquals", "aws:SourceVpce", "vpce-0abc"),
    ("ArnEquals", "aws:SourceArn", f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/main"),
    ("ArnLike", "aws:SourceArn", f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/main"),
    ("StringEquals", "aws:SourceAccount", ACCOUNT),
    ("StringEquals", "aws:PrincipalOrgID", ORG),
    ("StringEquals", "aws:PrincipalAccount", ACCOUNT),
    ("ArnEquals", "aws:PrincipalArn", f"arn:aws:iam::{ACCOUNT}:role/reader"),
    ("StringEqualsIgnoreCase", "aws:SourceOwner", ACCOUNT),
    ("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", f"{ORG}/r-ab12/ou-ab12-11111111/*"),
    ("StringLike", "s3:DataAccessPointArn", f"arn:aws:s3:us-west-2:{ACCOUNT}:accesspoint/*"),
    ("StringEquals", "kms:CallerAccount", ACCOUNT),  # KMS: AWS-managed keys' "*" is limited by it
]
OPEN = [
    ("IpAddress", "aws:SourceIp", "0.0.0.0/1", "aws:SourceIp 0.0.0.0/1 is broader than /8"),
    ("IpAddress", "aws:SourceIp", "0.0.0.0/0", "aws:SourceIp 0.0.0.0/0 is broader than /8"),
    ("IpAddress", "aws:SourceIp", "44.0.0.0/7", "aws:SourceIp 44.0.0.0/7 is broader than /8"),
    ("IpAddress", "aws:SourceIp", "2001:db8::/31", "aws:SourceIp 2001:db8::/31 is broader than /32"),
    ("IpAddress", "aws:SourceIp", "anywhere", "aws:SourceIp anywhere is not an IP range"),
    ("StringLike", "aws:SourceVpc", "vpc-*", "aws:SourceVpc vpc-* holds a wildcard"),
    ("StringEquals", "aws:SourceVpce", "vpce-?abc", "aws:SourceVpce vpce-?abc holds a wildcard"),
    ("ArnLike", "aws:SourceArn", "arn:aws:cloudtrail:*:*:trail/*", "aws:SourceArn arn:aws:cloudtrail:*:*:trail/* holds a wildcard"),
    ("StringLike", "aws:SourceAccount", "*", "aws:SourceAccount * holds a wildcard"),
    ("StringEquals", "aws:PrincipalOrgID", "${aws:PrincipalTag/org}",
     "aws:PrincipalOrgID ${aws:PrincipalTag/org} holds a policy variable"),
    ("StringLike", "aws:PrincipalAccount", "1111*", "aws:PrincipalAccount 1111* holds a wildcard"),
    ("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/reader", "aws:PrincipalArn arn:aws:iam::*:role/reader holds a wildcard"),
    ("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", "o-*/r-ab12/*", "aws:PrincipalOrgPaths o-*/r-ab12/* does not fix the organization"),
    ("StringLike", "s3:DataAccessPointArn", "arn:aws:s3:us-west-2:*:accesspoint/*",
     "s3:DataAccessPointArn arn:aws:s3:us-west-2:*:accesspoint/* does not fix the account"),
    ("StringEqualsIfExists", "aws:PrincipalOrgID", ORG, "StringEqualsIfExists on aws:PrincipalOrgID also matches requests without it"),
    ("ForAllValues:StringEquals", "aws:SourceVpc", "vpc-0abc", "ForAllValues:StringEquals on aws:SourceVpc also matches requests without it"),
    ("StringNotEquals", "aws:SourceAccount", ACCOUNT, "StringNotEquals on aws:SourceAccount does not limit who can call"),
    ("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", "NotIpAddress on aws:SourceIp does not limit who can call"),
    ("Null", "aws:PrincipalOrgID", "false", "Null on aws:PrincipalOrgID does not limit who can call"),
    ("StringLike", "kms:CallerAccount", "*", "kms:CallerAccount * holds a wildcard"),
]


@pytest.mark.parametrize(("operator", "key", "value"), LIMITED, ids=lambda v: str(v))
def test_a_fixed_value_of_a_limiting_key_makes_it_not_public(operator, key, value):
    assert resource_policy.public_statements(allow({operator: {key: value}})) == []
    assert resource_policy.public_statements(allow({operator: {key: [value]}})) == []
    # the key's case does not matter, and other conditions beside it change nothing
    assert not resource_policy.is_public(allow({operator: {key.upper(): value}, "Bool": {"aws:SecureTransport": "true"}}))


@pytest.mark.parametrize(("operator", "key", "value", "why"), OPEN, ids=lambda v: str(v))
def test_a_wildcard_or_a_non_limiting_condition_leaves_it_public(operator, key, value, why):
    assert reason(allow({operator: {key: value}})) == f'Principal "*" and {why}'
    # one open value among fixed ones opens the statement too
    if operator in ("IpAddress", "StringLike", "StringEquals", "ArnLike", "ForAnyValue:StringLike"):
        fixed = next(v for _, k, v in LIMITED if k == key)
        assert reason(allow({operator: {key: [fixed, value]}})) == f'Principal "*" and {why}'



def test_one_fixed_limit_is_enough_because_conditions_are_anded():
    document = allow({"StringLike": {"aws:SourceVpc": "vpc-*"}, "StringEquals": {"aws:SourceAccount": ACCOUNT}})
    assert resource_policy.public_statements(document) == []
    both_open = allow({"StringLike": {"aws:SourceVpc": "vpc-*"}, "IpAddress": {"aws:SourceIp": "0.0.0.0/1"}})
    assert reason(both_open) == (
        'Principal "*" and aws:SourceVpc vpc-* holds a wildcard; aws:SourceIp 0.0.0.0/1 is broader than /8'
    )


@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}, {"AWS": [f"arn:aws:iam::{ACCOUNT}:root", "*"]}, ["*"], [{"AWS": "*"}]],
                         ids=str)
def test_everyone_in_every_spelling(principal):
    assert reason(allow(principal=principal)) == f"Principal {json.dumps(principal)} and no condition limits it"


@pytest.mark.parametrize("principal", [
    {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, {"AWS": [ACCOUNT]}, {"Service": "cloudtrail.amazonaws.com"},
    {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
], ids=str)
def test_fixed_principals_are_not_public(principal):
    assert resource_policy.public_statements(allow(principal=principal)) == []


def test_not_principal_in_an_allow_is_everyone_else():
    statement = {"Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sqs:*"}
    assert resource_policy.public_statements({"Statement": statement}) == [
        PublicStatement("#1", ("sqs:*",), (), "NotPrincipal allows everyone it does not name and no condition limits it")
    ]


def test_findings_name_the_statement_its_actions_and_why():
    document = {"Statement": [
        {"Sid": "Deny", "Effect": "Deny", "Principal": "*", "Action": "s3:*"},
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["s3:GetObject", "s3:ListBucket"]},
        {"Sid": "", "Effect": "allow", "Principal": "*", "NotAction": "s3:DeleteObject"},
        {"Sid": "Org", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt",
         "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG}}},
        "not a statement",
    ]}
    found = resource_policy.public_statements(document)
    assert found == [
        PublicStatement("#2", ("s3:GetObject", "s3:ListBucket"), (), 'Principal {"AWS": "*"} and no condition limits it'),
        PublicStatement("#3", (), ("s3:DeleteObject",), 'Principal "*" and no condition limits it'),
    ]
    assert [f.describe() for f in found] == [
        '#2 (s3:GetObject, s3:ListBucket; Principal {"AWS": "*"} and no condition limits it)',
        '#3 (every action except s3:DeleteObject; Principal "*" and no condition limits it)',
    ]


@pytest.mark.parametrize("spelling", [
    lambda d: d, json.dumps, lambda d: json.dumps(d).encode(), lambda d: quote(json.dumps(d)),
], ids=["dict", "text", "bytes", "url-encoded"])
def test_every_spelling_of_the_document(spelling):
    assert [f.statement for f in resource_policy.public_statements(spelling(allow()))] == ["Open"]


@pytest.mark.parametrize("document", [None, "", {}, {"Statement": []}], ids=str)
def test_no_policy_is_not_public(document):
    assert resource_policy.is_public(document) is False


# -- the shapes other services' policies take (v7.0.0 2.21: one rule for every resource) ----------
def test_sns_default_topic_policy_is_limited_by_the_source_owner():
    """What SNS writes on every new topic: everyone, limited to the owner's account (AWS:SourceOwner)."""
    document = {"Version": "2008-10-17", "Id": "__default_policy_ID", "Statement": [{
        "Sid": "__default_statement_ID", "Effect": "Allow", "Principal": {"AWS": "*"},
        "Action": ["SNS:Publish", "SNS:Subscribe"], "Resource": f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts",
        "Condition": {"StringEquals": {"AWS:SourceOwner": ACCOUNT}}}]}
    assert resource_policy.public_statements(document) == []
    document["Statement"][0]["Condition"] = {"StringEquals": {"AWS:SourceOwner": "*"}}
    assert resource_policy.public_statements(document) == [PublicStatement(
        "__default_statement_ID", ("SNS:Publish", "SNS:Subscribe"), (),
        'Principal {"AWS": "*"} and AWS:SourceOwner * holds a wildcard')]


def test_aws_managed_kms_key_policy_is_limited_by_the_caller_account():
    document = {"Version": "2012-10-17", "Statement": [{
        "Sid": "Allow access through EBS for all principals in the account", "Effect": "Allow",
        "Principal": {"AWS": "*"}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
        "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT, "kms:ViaService": "ec2.us-east-1.amazonaws.com"}}}]}
    assert resource_policy.public_statements(document) == []
    del document["Statement"][0]["Condition"]["StringEquals"]["kms:CallerAccount"]
    assert reason(document) == 'Principal {"AWS": "*"} and no condition limits it'


def test_a_lambda_function_url_without_auth_is_public_and_a_service_grant_is_not():
    function = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:hook"
    url = {"Sid": "FunctionURLAllowPublicAccess", "Effect": "Allow", "Principal": "*",
           "Action": "lambda:InvokeFunctionUrl", "Resource": function,
           "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}}
    from_s3 = {"Sid": "s3-invoke", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
               "Action": "lambda:InvokeFunction", "Resource": function,
               "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}}}
    found = resource_policy.public_statements({"Version": "2012-10-17", "Statement": [from_s3, url]})
    assert [f.describe() for f in found] == [
        'FunctionURLAllowPublicAccess (lambda:InvokeFunctionUrl; Principal "*" and no condition limits it)']


def test_an_event_bus_shared_with_the_organization_is_not_public_and_every_unnamed_statement_is_counted():
    bus = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/orders"
    org = {"Effect": "Allow", "Principal": "*", "Action": "events:PutEvents", "Resource": bus,
           "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG}}}
    anyone = {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "NotAction": ["events:DeleteEventBus"], "Resource": bus}
    found = resource_policy.public_statements({"Version": "2012-10-17", "Statement": [org, anyone]})
    assert [f.describe() for f in found] == [
        '#2 (every action except events:DeleteEventBus; Principal {"AWS": ["*"]} and no condition limits it)']
