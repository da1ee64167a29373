"""Event selectors against the events a control needs: every field and operator that narrows."""
import pytest

from pytest_cis_aws.rules.trail_selectors import (
    ALL_MANAGEMENT, READ, WRITE, first_missing, management_events, missing, s3_object_events,
)

BUCKET = "data"


def advanced(*fields, name="s"):
    return [{"Name": name, "FieldSelectors": list(fields)}]


def field(name, **operators):
    return {"Field": name, **operators}


MANAGEMENT = field("eventCategory", Equals=["Management"])
DATA = field("eventCategory", Equals=["Data"])
S3_OBJECT = field("resources.type", Equals=["AWS::S3::Object"])


# -- management events (3.1, and link 1 of 4.x) --------------------------------------------
@pytest.mark.parametrize(
    "basic, adv",
    [
        ([{"ReadWriteType": "All", "IncludeManagementEvents": True}], []),
        ([{}], []),  # AWS's defaults: All, management events included
        ([{"ReadWriteType": "ReadOnly"}, {"ReadWriteType": "WriteOnly"}], []),
        ([], advanced(MANAGEMENT)),
        ([], advanced(MANAGEMENT, field("readOnly", Equals=["true"])) + advanced(MANAGEMENT, field("readOnly", Equals=["false"]))),
        ([], advanced(MANAGEMENT, field("readOnly", Equals=["True", "false"]))),
        ([{"ReadWriteType": "All", "ExcludeManagementEventSources": []}], []),
    ],
    ids=str,
)
def test_all_management_events_recorded(basic, adv):
    assert first_missing(basic, adv, ALL_MANAGEMENT) is None


# Each narrowing field of a management selector, and the sentence naming it.
NARROWED_MANAGEMENT = [
    (advanced(MANAGEMENT, field("eventSource", NotEquals=["kms.amazonaws.com"])),
     "advanced selector 's' narrows eventSource (NotEquals kms.amazonaws.com)"),
    (advanced(MANAGEMENT, field("eventSource", Equals=["iam.amazonaws.com"])),
     "advanced selector 's' narrows eventSource (Equals iam.amazonaws.com)"),
    (advanced(MANAGEMENT, field("eventName", StartsWith=["Create"])),
     "advanced selector 's' narrows eventName (StartsWith Create)"),
    (advanced(MANAGEMENT, field("eventName", NotStartsWith=["Describe"])),
     "advanced selector 's' narrows eventName (NotStartsWith Describe)"),
    (advanced(MANAGEMENT, field("eventName", EndsWith=["Key"])),
     "advanced selector 's' narrows eventName (EndsWith Key)"),
    (advanced(MANAGEMENT, field("eventName", NotEndsWith=["Key"])),
     "advanced selector 's' narrows eventName (NotEndsWith Key)"),
    (advanced(MANAGEMENT, field("eventType", Equals=["AwsApiCall"])),
     "advanced selector 's' narrows eventType (Equals AwsApiCall)"),
    (advanced(MANAGEMENT, field("userIdentity.arn", NotStartsWith=["arn:aws:sts::111111111111:assumed-role/ci"])),
     "advanced selector 's' narrows userIdentity.arn (NotStartsWith arn:aws:sts::111111111111:assumed-role/ci)"),
    (advanced(MANAGEMENT, field("errorCode", NotEquals=["AccessDenied"])),
     "advanced selector 's' narrows errorCode (NotEquals AccessDenied)"),
    (advanced(MANAGEMENT, field("readOnly", Equals=["false"])),
     "advanced selector 's' narrows readOnly (Equals false)"),
    (advanced(MANAGEMENT, field("readOnly", NotEquals=["false"], StartsWith=["t"])),
     "advanced selector 's' narrows readOnly (StartsWith t) and readOnly (NotEquals false)"),
    ([{"ReadWriteType": "WriteOnly"}], "event selector #1 narrows ReadWriteType (WriteOnly)"),
    ([{"ReadWriteType": "All", "ExcludeManagementEventSources": ["kms.amazonaws.com", "rdsdata.amazonaws.com"]}],
     "event selector #1 narrows ExcludeManagementEventSources (kms.amazonaws.com, rdsdata.amazonaws.com)"),
]


@pytest.mark.parametrize("selectors, narrowed", NARROWED_MANAGEMENT, ids=lambda v: str(v)[:80])
def test_a_narrowing_field_is_named(selectors, narrowed):
    basic = selectors if "ReadWriteType" in selectors[0] else []
    adv = [] if basic else selectors
    gap = first_missing(basic, adv, ALL_MANAGEMENT)
    assert gap is not None and gap.endswith(narrowed)
    assert gap.startswith(("does not record all read management events: ", "does not record all write management events: "))


def test_nothing_recorded_says_so():
    assert first_missing([], [], ALL_MANAGEMENT) == "records no read management events"
    assert first_missing([{"IncludeManagementEvents": False}], advanced(DATA, S3_OBJECT), ALL_MANAGEMENT) == (
        "records no read management events"
    )


def test_one_whole_selector_is_enough_and_every_narrowed_one_is_listed():
    narrow = advanced(MANAGEMENT, field("eventSource", NotEquals=["kms.amazonaws.com"]), name="no kms")
    assert first_missing([], narrow + advanced(MANAGEMENT, name="all"), ALL_MANAGEMENT) is None
    both = narrow + advanced(MANAGEMENT, field("eventName", Equals=["ConsoleLogin"]), name="logins")
    assert missing([], both, management_events(READ)) == (
        "does not record all read management events: advanced selector 'no kms' narrows eventSource "
        "(NotEquals kms.amazonaws.com); advanced selector 'logins' narrows eventName (Equals ConsoleLogin)"
    )


def test_an_excluded_source_breaks_only_the_events_from_that_source():
    no_kms = advanced(MANAGEMENT, field("eventSource", NotEquals=["kms.amazonaws.com"]))
    excluded = [{"ReadWriteType": "All", "ExcludeManagementEventSources": ["kms.amazonaws.com"]}]
    disable_key = management_events(WRITE, "kms.amazonaws.com", ["DisableKey"])
    create_trail = management_events(WRITE, "cloudtrail.amazonaws.com", ["CreateTrail"])
    assert missing([], no_kms, disable_key) == (
        "does not record all write management events from kms.amazonaws.com: "
        "advanced selector 's' narrows eventSource (NotEquals kms.amazonaws.com)"
    )
    assert missing(excluded, [], disable_key) == (
        "does not record all write management events from kms.amazonaws.com: "
        "event selector #1 narrows ExcludeManagementEventSources (kms.amazonaws.com)"
    )
    assert missing([], no_kms, create_trail) is None
    assert missing(excluded, [], create_trail) is None
    # a selector for exactly the source and name the control needs records them
    only = advanced(MANAGEMENT, field("eventSource", Equals=["kms.amazonaws.com"]),
                    field("eventName", Equals=["DisableKey", "ScheduleKeyDeletion"]))
    assert missing([], only, disable_key) is None
    assert missing([], only, create_trail) is not None


# -- S3 object data events (3.10, 3.11) ----------------------------------------------------
def basic_objects(read_write, *values, type_="AWS::S3::Object"):
    return [{"ReadWriteType": read_write, "DataResources": [{"Type": type_, "Values": list(values)}]}]


@pytest.mark.parametrize(
    "basic, kind, gap",
    [
        (basic_objects("All", "arn:aws:s3"), WRITE, None),
        (basic_objects("All", "arn:aws:s3:::"), READ, None),
        (basic_objects("WriteOnly", "arn:aws:s3:::data/"), WRITE, None),
        (basic_objects("WriteOnly", "arn:aws:s3:::data"), WRITE, None),
        (basic_objects("WriteOnly", "arn:aws:s3:::data/"), READ, "event selector #1 narrows ReadWriteType (WriteOnly)"),
        (basic_objects("All", "arn:aws:s3:::other/"), READ, "event selector #1 narrows DataResources (arn:aws:s3:::other/)"),
        (basic_objects("All", "arn:aws:s3:::data/logs/"), READ, "event selector #1 narrows DataResources (arn:aws:s3:::data/logs/)"),
        (basic_objects("All", "arn:aws-us-gov:s3"), READ, "event selector #1 narrows DataResources (arn:aws-us-gov:s3)"),
        (basic_objects("All", "arn:aws:lambda", type_="AWS::Lambda::Function"), READ, "records no object-level read events of S3 bucket data"),
    ],
    ids=str,
)
def test_basic_s3_data_selectors(basic, kind, gap):
    found = missing(basic, [], s3_object_events(BUCKET, kind))
    assert found == (gap if gap is None or gap.startswith("records") else f"does not record all object-level {kind} events of S3 bucket data: {gap}")


@pytest.mark.parametrize(
    "fields, kind, narrowed",
    [
        ((DATA, S3_OBJECT), WRITE, None),
        ((DATA, S3_OBJECT, field("readOnly", Equals=["true"])), READ, None),
        ((DATA, S3_OBJECT, field("eventSource", Equals=["s3.amazonaws.com"])), READ, None),
        ((DATA, S3_OBJECT, field("resources.ARN", StartsWith=["arn:aws:s3:::data/"])), WRITE, None),
        ((DATA, S3_OBJECT, field("resources.ARN", StartsWith=["arn:aws:s3:::"])), WRITE, None),
        ((DATA, S3_OBJECT, field("resources.ARN", NotStartsWith=["arn:aws:s3:::other/"])), WRITE, None),
        ((DATA, S3_OBJECT, field("resources.ARN", NotEquals=["arn:aws:s3:::other/key"])), WRITE, None),
        ((DATA, S3_OBJECT, field("readOnly", Equals=["true"])), WRITE, "readOnly (Equals true)"),
        ((DATA, S3_OBJECT, field("eventName", Equals=["PutObject"])), WRITE, "eventName (Equals PutObject)"),
        ((DATA, S3_OBJECT, field("eventName", Equals=["PutObject"])), READ, "eventName (Equals PutObject)"),
        ((DATA, S3_OBJECT, field("resources.ARN", StartsWith=["arn:aws:s3:::other/"])), WRITE, "resources.ARN (StartsWith arn:aws:s3:::other/)"),
        ((DATA, S3_OBJECT, field("resources.ARN", StartsWith=["arn:aws:s3:::data/logs/"])), WRITE, "resources.ARN (StartsWith arn:aws:s3:::data/logs/)"),
        ((DATA, S3_OBJECT, field("resources.ARN", Equals=["arn:aws:s3:::data/key"])), WRITE, "resources.ARN (Equals arn:aws:s3:::data/key)"),
        ((DATA, S3_OBJECT, field("resources.ARN", EndsWith=[".csv"])), WRITE, "resources.ARN (EndsWith .csv)"),
        ((DATA, S3_OBJECT, field("resources.ARN", NotEndsWith=[".tmp"])), WRITE, "resources.ARN (NotEndsWith .tmp)"),
        ((DATA, S3_OBJECT, field("resources.ARN", NotEquals=["arn:aws:s3:::data/secret"])), WRITE, "resources.ARN (NotEquals arn:aws:s3:::data/secret)"),
        ((DATA, S3_OBJECT, field("resources.ARN", NotStartsWith=["arn:aws:s3:::data/tmp/"])), WRITE, "resources.ARN (NotStartsWith arn:aws:s3:::data/tmp/)"),
        ((DATA, S3_OBJECT, field("resources.ARN", NotStartsWith=["arn:aws:s3:::d"])), WRITE, "resources.ARN (NotStartsWith arn:aws:s3:::d)"),
        ((DATA, S3_OBJECT, field("userIdentity.arn", StartsWith=["arn:aws:iam::111111111111:"])), READ, "userIdentity.arn (StartsWith arn:aws:iam::111111111111:)"),
        ((DATA, S3_OBJECT, field("errorCode", Equals=["AccessDenied"])), READ, "errorCode (Equals AccessDenied)"),
        ((DATA, S3_OBJECT, field("eventType", NotEquals=["AwsApiCall"])), READ, "eventType (NotEquals AwsApiCall)"),
        ((DATA, field("resources.type", Equals=["AWS::DynamoDB::Table"])), WRITE, "records"),
        ((MANAGEMENT, S3_OBJECT), WRITE, "records"),
    ],
    ids=str,
)
def test_advanced_s3_data_selectors(fields, kind, narrowed):
    found = missing([], advanced(*fields), s3_object_events(BUCKET, kind))
    what = f"object-level {kind} events of S3 bucket data"
    if narrowed is None:
        assert found is None
    elif narrowed == "records":
        assert found == f"records no {what}"
    else:
        assert found == f"does not record all {what}: advanced selector 's' narrows {narrowed}"


def test_s3_selectors_follow_the_partition():
    gov = s3_object_events(BUCKET, READ, partition="aws-us-gov")
    assert missing(basic_objects("All", "arn:aws-us-gov:s3"), [], gov) is None
    assert missing([], advanced(DATA, S3_OBJECT, field("resources.ARN", StartsWith=["arn:aws-us-gov:s3:::data/"])), gov) is None
    assert missing([], advanced(DATA, S3_OBJECT, field("resources.ARN", StartsWith=["arn:aws:s3:::data/"])), gov) is not None
