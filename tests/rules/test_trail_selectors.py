"""3.1, 3.10 and 3.11 event selector rules, basic and advanced."""
import pytest

from plugin.rules.trail_selectors import READ, WRITE, management_kinds, records_s3_data

BUCKET = "data"


def advanced(*fields):
    return [{"Name": "s", "FieldSelectors": list(fields)}]


def field(name, **operators):
    return {"Field": name, **operators}


DATA = field("eventCategory", Equals=["Data"])
S3_OBJECT = field("resources.type", Equals=["AWS::S3::Object"])


@pytest.mark.parametrize(
    "basic, adv, kinds",
    [
        ([{"ReadWriteType": "All", "IncludeManagementEvents": True}], [], {READ, WRITE}),
        ([{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}], [], {READ}),
        ([{"ReadWriteType": "ReadOnly"}, {"ReadWriteType": "WriteOnly"}], [], {READ, WRITE}),
        ([{"ReadWriteType": "All", "IncludeManagementEvents": False}], [], set()),
        ([], advanced(field("eventCategory", Equals=["Management"])), {READ, WRITE}),
        ([], advanced(field("eventCategory", Equals=["Management"]), field("readOnly", Equals=["false"])), {WRITE}),
        ([], advanced(field("eventCategory", Equals=["Management"]), field("readOnly", NotEquals=["true"])), {WRITE}),
        ([], advanced(DATA, S3_OBJECT), set()),
        ([], [], set()),
    ],
)
def test_management_kinds(basic, adv, kinds):
    assert management_kinds(basic, adv) == kinds


@pytest.mark.parametrize(
    "basic, kind, covered",
    [
        ([{"ReadWriteType": "All", "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}], WRITE, True),
        ([{"ReadWriteType": "All", "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::"]}]}], READ, True),
        ([{"ReadWriteType": "WriteOnly", "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::data/"]}]}], WRITE, True),
        ([{"ReadWriteType": "WriteOnly", "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::data/"]}]}], READ, False),
        ([{"ReadWriteType": "ReadOnly", "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}], WRITE, False),
        ([{"ReadWriteType": "All", "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::other/"]}]}], READ, False),
        ([{"ReadWriteType": "All", "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::data/logs/"]}]}], READ, False),
        ([{"ReadWriteType": "All", "DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}]}], READ, False),
    ],
)
def test_basic_s3_data_selectors(basic, kind, covered):
    assert records_s3_data(basic, [], BUCKET, kind) is covered


@pytest.mark.parametrize(
    "fields, kind, covered",
    [
        ((DATA, S3_OBJECT), WRITE, True),
        ((DATA, S3_OBJECT), READ, True),
        ((DATA, S3_OBJECT, field("readOnly", Equals=["true"])), READ, True),
        ((DATA, S3_OBJECT, field("readOnly", Equals=["true"])), WRITE, False),
        ((DATA, S3_OBJECT, field("readOnly", Equals=["false"])), READ, False),
        ((DATA, S3_OBJECT, field("resources.ARN", StartsWith=["arn:aws:s3:::data/"])), WRITE, True),
        ((DATA, S3_OBJECT, field("resources.ARN", StartsWith=["arn:aws:s3:::"])), WRITE, True),
        ((DATA, S3_OBJECT, field("resources.ARN", StartsWith=["arn:aws:s3:::other/"])), WRITE, False),
        ((DATA, S3_OBJECT, field("resources.ARN", StartsWith=["arn:aws:s3:::data/logs/"])), WRITE, False),
        ((DATA, S3_OBJECT, field("resources.ARN", Equals=["arn:aws:s3:::data/key"])), WRITE, False),
        ((DATA, S3_OBJECT, field("resources.ARN", NotStartsWith=["arn:aws:s3:::data/tmp/"])), WRITE, False),
        ((DATA, S3_OBJECT, field("resources.ARN", NotStartsWith=["arn:aws:s3:::other/"])), WRITE, True),
        ((DATA, field("resources.type", Equals=["AWS::DynamoDB::Table"])), WRITE, False),
        ((field("eventCategory", Equals=["Management"]), S3_OBJECT), WRITE, False),
    ],
)
def test_advanced_s3_data_selectors(fields, kind, covered):
    assert records_s3_data([], advanced(*fields), BUCKET, kind) is covered
