"""The filter-pattern matcher: parsing, normal form, and coverage of the benchmark's patterns.

The variant table is the specification: for each of 4.1-4.15, patterns a real account
may hold that must be accepted (equivalent or broader) or rejected (narrower, or
catching other events), whatever their spacing, quoting, selector form and order.
"""
import pytest

from pytest_cis_aws.registry import by_id
from pytest_cis_aws.rules import filter_pattern
from pytest_cis_aws.rules.filter_pattern import PatternError, covers, normalised, parse, uncovered

REGISTRY = by_id()


def accepted_by(control_id: str, account_pattern: str) -> bool:
    account = parse(account_pattern)
    return any(covers(account, parse(text)) for text in REGISTRY[control_id].extra["filter_patterns"])


def events(*names, quote=False):
    q = '"' if quote else ""
    return " || ".join(f"$.eventName = {q}{name}{q}" for name in names)


IAM_EVENTS = (
    "DeleteGroupPolicy DeleteRolePolicy DeleteUserPolicy PutGroupPolicy PutRolePolicy PutUserPolicy CreatePolicy "
    "DeletePolicy CreatePolicyVersion DeletePolicyVersion AttachRolePolicy DetachRolePolicy AttachUserPolicy "
    "DetachUserPolicy AttachGroupPolicy DetachGroupPolicy"
).split()
TRAIL_EVENTS = "CreateTrail UpdateTrail DeleteTrail StartLogging StopLogging".split()
S3_EVENTS = (
    "PutBucketAcl PutBucketPolicy PutBucketCors PutBucketLifecycle PutBucketReplication DeleteBucketPolicy "
    "DeleteBucketCors DeleteBucketLifecycle DeleteBucketReplication"
).split()
CONFIG_EVENTS = "StopConfigurationRecorder DeleteDeliveryChannel PutDeliveryChannel PutConfigurationRecorder".split()
SG_EVENTS = (
    "AuthorizeSecurityGroupIngress AuthorizeSecurityGroupEgress RevokeSecurityGroupIngress "
    "RevokeSecurityGroupEgress CreateSecurityGroup DeleteSecurityGroup"
).split()
NACL_EVENTS = (
    "CreateNetworkAcl CreateNetworkAclEntry DeleteNetworkAcl DeleteNetworkAclEntry ReplaceNetworkAclEntry "
    "ReplaceNetworkAclAssociation"
).split()
GATEWAY_EVENTS = (
    "CreateCustomerGateway DeleteCustomerGateway AttachInternetGateway CreateInternetGateway "
    "DeleteInternetGateway DetachInternetGateway"
).split()
ROUTE_EVENTS = (
    "CreateRoute CreateRouteTable ReplaceRoute ReplaceRouteTableAssociation DeleteRouteTable DeleteRoute "
    "DisassociateRouteTable"
).split()
VPC_EVENTS = (
    "CreateVpc DeleteVpc ModifyVpcAttribute AcceptVpcPeeringConnection CreateVpcPeeringConnection "
    "DeleteVpcPeeringConnection RejectVpcPeeringConnection AttachClassicLinkVpc DetachClassicLinkVpc "
    "DisableVpcClassicLink EnableVpcClassicLink"
).split()
ORG_EVENTS = (
    "AcceptHandshake AttachPolicy CreateAccount CreateOrganizationalUnit CreatePolicy DeclineHandshake "
    "DeleteOrganization DeleteOrganizationalUnit DeletePolicy DetachPolicy DisablePolicyType EnablePolicyType "
    "InviteAccountToOrganization LeaveOrganization MoveAccount RemoveAccountFromOrganization UpdatePolicy "
    "UpdateOrganizationalUnit"
).split()

ACCEPTED = [
    # 4.1: no spaces, bare values, $field selectors
    ("4.1", '{($.errorCode="*UnauthorizedOperation")||($.errorCode="AccessDenied*")&&($.sourceIPAddress!="delivery.logs.amazonaws.com")&&($.eventName!="HeadBucket")}'),
    ("4.1", '{ $errorCode = *UnauthorizedOperation || $errorCode = AccessDenied* && $eventName != HeadBucket && $sourceIPAddress != delivery.logs.amazonaws.com }'),
    # the precedence made explicit: the same pattern
    ("4.1", '{ ($.errorCode = "*UnauthorizedOperation") || (($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket")) }'),
    # broader: without the two exclusions, and with an extra alternative
    ("4.1", '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'),
    ("4.1", '{ ($.errorCode = "AccessDenied*") || ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "Client.*") }'),
    # broader: a wider wildcard still catches every *UnauthorizedOperation and AccessDenied* code
    ("4.1", '{ ($.errorCode = "*Unauthorized*") || ($.errorCode = "Access*") }'),
    # 4.2: reordered, quotes dropped; the SSO variant the benchmark allows; a broader MFAUsed test
    ("4.2", '{ ($.additionalEventData.MFAUsed != Yes) && ($.eventName = ConsoleLogin) }'),
    ("4.2", '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }'),
    ("4.2", '{ $.responseElements.ConsoleLogin = Success && $.userIdentity.type = IAMUser && $.eventName = ConsoleLogin && $.additionalEventData.MFAUsed != Yes }'),
    ("4.2", '{ $.eventName = "ConsoleLogin" }'),
    ("4.2", '{ $.eventSource = signin.amazonaws.com && $.eventName = ConsoleLogin && $.additionalEventData.MFAUsed != Yes }'),
    # 4.3: parentheses, other order, $field form; broader without the service-event exclusion
    ("4.3", '{ ($.eventType != "AwsServiceEvent") && ($userIdentity.invokedBy NOT EXISTS) && ($.userIdentity.type = "Root") }'),
    ("4.3", '{$.userIdentity.type="Root"&&$.userIdentity.invokedBy NOT EXISTS}'),
    ("4.3", '{ $.userIdentity.type = Root }'),
    # 4.4: quoted, reversed order, spaces
    ("4.4", "{ " + events(*reversed(IAM_EVENTS), quote=True) + " }"),
    ("4.4", "{" + "||".join(f"($eventName={n})" for n in IAM_EVENTS) + "}"),
    ("4.4", "{ " + events(*IAM_EVENTS) + " || $.eventName = TagPolicy }"),
    # 4.5: one operand order swapped, redundant nesting, and a restriction to CloudTrail's source
    ("4.5", "{ ((" + events(*TRAIL_EVENTS[:2]) + ") || (" + events(*TRAIL_EVENTS[2:]) + ")) }"),
    ("4.5", "{ $.eventSource = cloudtrail.amazonaws.com && (" + events(*TRAIL_EVENTS, quote=True) + ") }"),
    # 4.6: quoted event name, reversed operands
    ("4.6", '{ ($.errorMessage = "Failed authentication") && ($.eventName = "ConsoleLogin") }'),
    ("4.6", '{ $.eventName = ConsoleLogin && $.errorMessage = "Failed*" }'),
    # 4.7: distributed form of the same pattern; source dropped (broader); source quoted
    ("4.7", '{ ($.eventSource = kms.amazonaws.com && $.eventName = DisableKey) || ($.eventSource = kms.amazonaws.com && $.eventName = ScheduleKeyDeletion) }'),
    ("4.7", '{ $.eventName = "ScheduleKeyDeletion" || $.eventName = "DisableKey" }'),
    ("4.7", '{ ($.eventSource = "kms.amazonaws.com") && (($.eventName = "DisableKey") || ($.eventName = "ScheduleKeyDeletion")) }'),
    # 4.8
    ("4.8", "{ ($.eventSource = \"s3.amazonaws.com\") && (" + events(*reversed(S3_EVENTS), quote=True) + ") }"),
    ("4.8", "{ " + events(*S3_EVENTS) + " }"),
    # 4.9
    ("4.9", "{ $eventSource = config.amazonaws.com && (" + events(*CONFIG_EVENTS) + ") }"),
    ("4.9", "{ " + events(*CONFIG_EVENTS, quote=True) + " }"),
    # 4.10: wildcard alternatives cover the named events
    ("4.10", "{ " + events(*SG_EVENTS, quote=True) + " }"),
    ("4.10", '{ $.eventName = "*SecurityGroup*" }'),
    ("4.10", "{ $.eventSource = ec2.amazonaws.com && (" + events(*SG_EVENTS) + ") }"),
    # 4.11
    ("4.11", "{" + "||".join(f"$.eventName={n}" for n in NACL_EVENTS) + "}"),
    ("4.11", '{ $.eventName = "*NetworkAcl*" }'),
    # 4.12
    ("4.12", "{ " + events(*reversed(GATEWAY_EVENTS), quote=True) + " }"),
    ("4.12", "{ ($.eventName = *InternetGateway) || ($.eventName = *CustomerGateway) }"),
    # 4.13: with the ec2 source restriction later benchmark versions add
    ("4.13", "{ ($.eventSource = ec2.amazonaws.com) && (" + events(*ROUTE_EVENTS) + ") }"),
    ("4.13", "{ " + events(*reversed(ROUTE_EVENTS), quote=True) + " }"),
    # 4.14
    ("4.14", "{ " + events(*VPC_EVENTS, quote=True) + " }"),
    ("4.14", "{ " + events(*VPC_EVENTS[:5]) + " || " + events(*VPC_EVENTS[5:]) + " || $.eventName = CreateVpcEndpoint }"),
    # 4.15: unquoted, reversed; and the distributed form
    ("4.15", "{ $.eventSource = organizations.amazonaws.com && (" + events(*reversed(ORG_EVENTS)) + ") }"),
    ("4.15", "{ " + " || ".join(f"($.eventSource = organizations.amazonaws.com && $.eventName = {n})" for n in ORG_EVENTS) + " }"),
    ("4.15", '{ $.eventSource = "organizations.amazonaws.com" }'),
]

REJECTED = [
    # 4.1: the OR grouped before the exclusions narrows the UnauthorizedOperation side
    ("4.1", '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }'),
    ("4.1", '{ ($.errorCode = "*UnauthorizedOperation") }'),
    ("4.1", '{ ($.errorCode = "AccessDenied") || ($.errorCode = "*UnauthorizedOperation") }'),  # exact, not a prefix
    ("4.1", '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.eventName != "Get*") }'),
    # 4.2: narrower than both the pattern and its SSO variant; excluding every Y* value
    # also drops sign-ins whose MFAUsed is, say, "Yeah", which the benchmark catches
    ("4.2", '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "Root") }'),
    ("4.2", '{ $.eventName = "ConsoleLogin" && $.additionalEventData.MFAUsed != "Y*" }'),
    ("4.2", '{ ($.eventName = "ConsoleLogin") && $.additionalEventData.MFAUsed = No }'),
    ("4.2", '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "No") }'),
    # 4.3: a condition the benchmark does not have; Root misspelt in case
    ("4.3", '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" && $.eventName = ConsoleLogin }'),
    ("4.3", '{ $.userIdentity.type = "root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'),
    # 4.4: one event left out; restricted to IAM's source (misses Organizations' CreatePolicy and DeletePolicy)
    ("4.4", "{ " + events(*IAM_EVENTS[1:]) + " }"),
    ("4.4", "{ $.eventSource = iam.amazonaws.com && (" + events(*IAM_EVENTS) + ") }"),
    # 4.5: StopLogging missing; the wrong service's source
    ("4.5", "{ " + events(*TRAIL_EVENTS[:-1]) + " }"),
    ("4.5", "{ $.eventSource = ec2.amazonaws.com && (" + events(*TRAIL_EVENTS) + ") }"),
    # 4.6: another message, or sign-ins only
    ("4.6", '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication for user") }'),
    ("4.6", '{ ($.eventName = ConsoleLogin) && ($.userIdentity.type = IAMUser) && ($.errorMessage = "Failed authentication") }'),
    # 4.7: only one of the two calls
    ("4.7", '{ ($.eventSource = kms.amazonaws.com) && ($.eventName = DisableKey) }'),
    # 4.8: a bucket-name restriction narrows it
    ("4.8", "{ ($.eventSource = s3.amazonaws.com) && ($.requestParameters.bucketName = prod-*) && (" + events(*S3_EVENTS) + ") }"),
    ("4.8", "{ ($.eventSource = s3.amazonaws.com) && (" + events(*S3_EVENTS[:-1]) + ") }"),
    # 4.9
    ("4.9", "{ $.eventSource = config.amazonaws.com && (" + events(*CONFIG_EVENTS[1:]) + ") }"),
    # 4.10: prefix wildcard that misses Create/DeleteSecurityGroup
    ("4.10", '{ $.eventName = "*SecurityGroupIngress" || $.eventName = "*SecurityGroupEgress" }'),
    # 4.11
    ("4.11", "{ " + events(*NACL_EVENTS[:-1]) + " }"),
    # 4.12: a region restriction narrows it
    ("4.12", "{ $.awsRegion = us-east-1 && (" + events(*GATEWAY_EVENTS) + ") }"),
    # 4.13: the source of another service
    ("4.13", "{ ($.eventSource = vpc.amazonaws.com) && (" + events(*ROUTE_EVENTS) + ") }"),
    ("4.13", "{ " + events(*ROUTE_EVENTS[:-1]) + " }"),
    # 4.14: ClassicLink events left out
    ("4.14", "{ " + events(*VPC_EVENTS[:7]) + " }"),
    # 4.15: the source dropped is fine (broader) but another source is not; one event missing
    ("4.15", "{ $.eventSource = iam.amazonaws.com && (" + events(*ORG_EVENTS) + ") }"),
    ("4.15", "{ $.eventSource = organizations.amazonaws.com && (" + events(*ORG_EVENTS[:-1]) + ") }"),
]


@pytest.mark.parametrize("control_id, pattern", ACCEPTED, ids=[f"{c}-{i}" for i, (c, _) in enumerate(ACCEPTED)])
def test_variant_is_accepted(control_id, pattern):
    assert accepted_by(control_id, pattern)


@pytest.mark.parametrize("control_id, pattern", REJECTED, ids=[f"{c}-{i}" for i, (c, _) in enumerate(REJECTED)])
def test_variant_is_rejected(control_id, pattern):
    assert not accepted_by(control_id, pattern)


@pytest.mark.parametrize("control_id", [f"4.{n}" for n in range(1, 16)])
def test_each_benchmark_pattern_covers_itself_and_no_other(control_id):
    own = REGISTRY[control_id].extra["filter_patterns"][0]
    assert accepted_by(control_id, own)
    others = [f"4.{n}" for n in range(1, 16) if f"4.{n}" != control_id]
    assert [other for other in others if accepted_by(other, own)] == []


def test_every_control_has_accepted_and_rejected_variants():
    ids = {f"4.{n}" for n in range(1, 16)}
    assert {c for c, _ in ACCEPTED} == ids
    assert {c for c, _ in REJECTED} == ids


def test_and_binds_tighter_than_or():
    assert normalised(parse("{ $.a = 1 || $.b = 2 && $.c = 3 }")) == '{ ($.a = 1.0) || ($.b = 2.0 && $.c = 3.0) }'
    assert normalised(parse("{ ($.a = 1 || $.b = 2) && $.c = 3 }")) == '{ ($.a = 1.0 && $.c = 3.0) || ($.b = 2.0 && $.c = 3.0) }'


def test_spellings_of_one_pattern_normalise_alike():
    spellings = [
        '{ ($.eventName = "CreateVpc") || ($.eventName = "DeleteVpc") }',
        "{$eventName=DeleteVpc||$.eventName=CreateVpc}",
        "{ ( ( $.eventName = CreateVpc ) ) || $eventName = \"DeleteVpc\" }",
    ]
    assert {normalised(parse(s)) for s in spellings} == {'{ ($.eventName = "CreateVpc") || ($.eventName = "DeleteVpc") }'}


def test_keyword_tests_and_numbers_parse():
    assert normalised(parse("{ $.a IS TRUE && $.b IS NULL && $.c NOT EXISTS && $.d >= 10 && $.e[0].f != %x+y% }")) == (
        '{ ($.a = true && $.b IS NULL && $.c NOT EXISTS && $.d >= 10.0 && $.e[0].f != %x+y%) }'
    )


def test_uncovered_names_the_missed_alternative():
    benchmark = parse("{ $.eventName = CreateVpc || $.eventName = DeleteVpc }")
    missed = uncovered(parse("{ $.eventName = CreateVpc }"), benchmark)
    assert [normalised(frozenset({c})) for c in missed] == ['{ ($.eventName = "DeleteVpc") }']


@pytest.mark.parametrize(
    "text, reason",
    [
        ("ConsoleLogin", "it is not a JSON filter pattern ({ ... })"),
        ('[ip, user, ..., status_code=4*]', "it is not a JSON filter pattern ({ ... })"),
        ("{ $.eventName = }", "expected a value but found }"),
        ("{ ($.eventName = CreateVpc }", "expected ) but found }"),
        ("{ $.eventName = CreateVpc } || x", "unexpected || after the closing brace"),
        ("{ $.eventName == CreateVpc }", "expected a value but found ="),
        ("{ $.eventName IS MAYBE }", "unknown test IS MAYBE on $.eventName"),
        ("{ $.a < abc }", "< needs a number, not abc"),
        ('{ $.a = "x }', "unexpected character '\"' at position 8"),
        ("{}", "expected selector but found }"),
    ],
)
def test_unparseable_patterns_raise_a_reason(text, reason):
    with pytest.raises(PatternError) as raised:
        parse(text)
    assert str(raised.value) == reason


def test_an_explosive_pattern_is_refused_not_expanded():
    clauses = ["(" + " || ".join(f"$.{field} = {i}" for i in range(10)) + ")" for field in "abcd"]
    with pytest.raises(PatternError, match="more than 4096 alternatives"):
        parse("{ " + " && ".join(clauses) + " }")


def test_named_events_give_the_sources_and_names_a_trail_must_record():
    from pytest_cis_aws.registry import by_id

    def named(control):
        return set().union(*(filter_pattern.named_events(filter_pattern.parse(t))
                             for t in by_id()[control].extra["filter_patterns"]))

    assert named("4.1") == named("4.3") >= {(None, None)}
    assert named("4.7") == {("kms.amazonaws.com", "DisableKey"), ("kms.amazonaws.com", "ScheduleKeyDeletion")}
    assert named("4.2") == named("4.6") == {("signin.amazonaws.com", "ConsoleLogin")}
    assert ("iam.amazonaws.com", "CreatePolicy") in named("4.4") and ("organizations.amazonaws.com", "CreatePolicy") in named("4.4")
    assert {source for source, _ in named("4.13")} == {"ec2.amazonaws.com"}
