"""Section 3 controls, both sides of each, against in-process moto."""
import datetime as dt
import json

from botocore.exceptions import ClientError

from pytest_cis_aws.demo.seed.section2 import create_bucket
from pytest_cis_aws.demo.seed.section3 import READ_WRITE_MANAGEMENT, set_cloudwatch_delivery, set_recorder_status
from tests.harness import A, B, C
from tests.refusals import Refuse

NOW = dt.datetime.now(dt.timezone.utc)


def trail(moto, account, name, bucket, region="us-east-1", *, logging=True, selectors=None, advanced=None, **options):
    """A trail delivering to ``bucket`` (created in ``account`` unless some account has it)."""
    try:
        create_bucket(moto, account, region, bucket)
    except ClientError:
        pass  # already there, in this account or another
    cloudtrail = moto.client("cloudtrail", account, region)
    cloudtrail.create_trail(Name=name, S3BucketName=bucket, **options)
    if selectors is not None:
        cloudtrail.put_event_selectors(TrailName=name, EventSelectors=selectors)
    if advanced is not None:
        cloudtrail.put_event_selectors(TrailName=name, AdvancedEventSelectors=advanced)
    if logging:
        cloudtrail.start_logging(Name=name)


def management(read_only=None):
    fields = [{"Field": "eventCategory", "Equals": ["Management"]}]
    if read_only is not None:
        fields.append({"Field": "readOnly", "Equals": [read_only]})
    return [{"Name": "management", "FieldSelectors": fields}]


def outcome(run, control, label=None, **where):
    """(status, message) of the one finding matching ``where`` and, if given, the unit's label."""
    found = [f for f in run.of(control, **where) if label is None or f.test_id.endswith(f"-{label}]")]
    assert len(found) == 1, f"expected one {control} finding for {label} {where}, got {found}"
    return found[0].status, found[0].message


# -- 3.1, 3.2, 3.7 -----------------------------------------------------------------------
def test_3_1_3_2_3_7_trails_both_sides(audit, moto):
    key = moto.client("kms", A).create_key()["KeyMetadata"]["Arn"]
    # A: one multi-region trail doing everything right (its eu-west-1 shadow is the same trail).
    trail(moto, A, "main", "a-trail-logs", IsMultiRegionTrail=True, EnableLogFileValidation=True, KmsKeyId=key,
          selectors=READ_WRITE_MANAGEMENT)
    # B: multi-region and logging, but only read management events (advanced selectors).
    trail(moto, B, "reads", "b-trail-logs", "eu-west-1", IsMultiRegionTrail=True, advanced=management("true"))
    # C: a logging single-region trail, and a multi-region one that is stopped.
    trail(moto, C, "local", "c-trail-logs", selectors=READ_WRITE_MANAGEMENT)
    trail(moto, C, "stopped", "c-trail-logs", IsMultiRegionTrail=True, logging=False, selectors=READ_WRITE_MANAGEMENT)
    run = audit("3.1", "3.2", "3.7", accounts=[A, B, C], regions=["us-east-1", "eu-west-1"])

    assert run.statuses("3.1") == {f"{A}-global-account": "PASS", f"{B}-global-account": "FAIL", f"{C}-global-account": "FAIL"}
    assert run.one("3.1", account=A).message == "multi-region trail main is logging and records all management events"
    no_trail = "account {} has no multi-region CloudTrail trail that is logging and records all read and write management events: "
    assert run.one("3.1", account=B).message == no_trail.format(B) + (
        "trail reads does not record all write management events: advanced selector 'management' narrows readOnly (Equals true)"
    )
    assert run.one("3.1", account=C).message == no_trail.format(C) + "trail stopped is not logging"
    assert run.statuses("3.2") == {
        f"{A}-us-east-1-trail/main": "PASS",
        f"{B}-eu-west-1-trail/reads": "FAIL",
        f"{C}-us-east-1-trail/local": "FAIL",
        f"{C}-us-east-1-trail/stopped": "FAIL",
    }
    assert outcome(run, "3.2", account=B) == ("FAIL", "CloudTrail trail reads does not validate its log files")
    assert run.statuses("3.7") == run.statuses("3.2")
    assert outcome(run, "3.7", account=B) == ("FAIL", "CloudTrail trail reads does not encrypt its logs with a KMS key")


# -- 3.3, 3.6 ------------------------------------------------------------------------------
def test_3_3_3_6_trail_buckets_both_sides(audit, moto):
    # A: a private log bucket with access logging, shared by two trails; its policy lets
    # everyone in only from A's own account (a restricting condition).
    create_bucket(moto, A, "us-east-1", "a-logs")
    create_bucket(moto, A, "us-east-1", "a-access")
    s3 = moto.client("s3", A)
    s3.put_bucket_acl(Bucket="a-access", ACL="log-delivery-write")
    s3.put_bucket_logging(Bucket="a-logs", BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "a-access", "TargetPrefix": "x/"}})
    s3.put_bucket_policy(Bucket="a-logs", Policy=json.dumps({"Statement": [{
        "Sid": "OwnAccount", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::a-logs/*", "Condition": {"StringEquals": {"aws:SourceAccount": A}},
    }]}))
    trail(moto, A, "first", "a-logs")
    trail(moto, A, "second", "a-logs")
    # A's other log buckets: open to "*" from one /8 (AWS's broadest limit: not public), and
    # from 0.0.0.0/1 (broader: public).
    for name, cidr in (("a-office", "44.0.0.0/8"), ("a-wide", "0.0.0.0/1")):
        create_bucket(moto, A, "us-east-1", name)
        moto.client("s3", A).put_bucket_policy(Bucket=name, Policy=json.dumps({"Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
            "Condition": {"IpAddress": {"aws:SourceIp": cidr}},
        }]}))
        trail(moto, A, name, name)
    # B: readable by any AWS user (ACL) and by anyone over TLS (policy), no access logging.
    create_bucket(moto, B, "us-east-1", "b-logs")
    s3 = moto.client("s3", B)
    s3.put_bucket_acl(Bucket="b-logs", ACL="authenticated-read")
    s3.put_bucket_policy(Bucket="b-logs", Policy=json.dumps({"Statement": [{
        "Sid": "Everyone", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b-logs/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}},
    }]}))
    trail(moto, B, "leaky", "b-logs")
    # C: delivers to A's bucket, which C cannot inspect.
    trail(moto, C, "central", "a-logs")
    # A's multi-region trail lives in eu-west-1, outside --aws-regions: 3.1 still finds it.
    trail(moto, A, "everywhere", "a-logs", "eu-west-1", IsMultiRegionTrail=True, selectors=READ_WRITE_MANAGEMENT)
    run = audit("3.1", "3.3", "3.6", accounts=[A, B, C])

    assert run.statuses("3.1") == {f"{A}-global-account": "PASS", f"{B}-global-account": "FAIL", f"{C}-global-account": "FAIL"}

    assert run.statuses("3.3") == {
        f"{A}-us-east-1-bucket/a-logs": "PASS",
        f"{A}-us-east-1-bucket/a-office": "PASS",
        f"{A}-us-east-1-bucket/a-wide": "FAIL",
        f"{B}-us-east-1-bucket/b-logs": "FAIL",
        f"{C}-global-bucket/a-logs": "FAIL",
    }
    assert outcome(run, "3.3", account=B) == (
        "FAIL",
        "CloudTrail log bucket b-logs is public: ACL grants to AuthenticatedUsers; "
        'policy statements open to everyone: Everyone (s3:GetObject; Principal {"AWS": "*"} and no condition limits it)',
    )
    assert outcome(run, "3.3", label="bucket/a-wide") == (
        "FAIL",
        "CloudTrail log bucket a-wide is public: ACL grants to none; policy statements open to everyone: "
        '#1 (s3:GetObject, s3:ListBucket; Principal "*" and aws:SourceIp 0.0.0.0/1 is broader than /8)',
    )
    assert outcome(run, "3.3", account=C) == (
        "FAIL",
        f"CloudTrail log bucket a-logs is not a bucket of account {C} (another account owns it, or it is gone): "
        "its ACL and policy cannot be read from here, so it fails until checked in its owner's account",
    )
    # The multi-region trail homed outside --aws-regions is judged too, in its home region.
    assert run.statuses("3.6") == {
        f"{A}-eu-west-1-trail/everywhere": "PASS",
        f"{A}-us-east-1-trail/first": "PASS",
        f"{A}-us-east-1-trail/second": "PASS",
        f"{A}-us-east-1-trail/a-office": "FAIL",
        f"{A}-us-east-1-trail/a-wide": "FAIL",
        f"{B}-us-east-1-trail/leaky": "FAIL",
        f"{C}-us-east-1-trail/central": "FAIL",
    }
    assert outcome(run, "3.6", account=B) == (
        "FAIL", "the log bucket b-logs of CloudTrail trail leaky has server access logging off"
    )
    assert outcome(run, "3.6", account=C) == (
        "FAIL",
        f"the log bucket a-logs of CloudTrail trail central is not a bucket of account {C} (another account owns "
        "it, or it is gone): its access logging cannot be read from here, so it fails until checked in its "
        "owner's account",
    )


# -- 3.4 -------------------------------------------------------------------------------------
def test_3_4_cloudwatch_delivery_within_a_day(audit, moto):
    group = f"arn:aws:logs:us-east-1:{A}:log-group:trail:*"
    role = f"arn:aws:iam::{A}:role/trail-to-logs"
    for name in ("fresh", "stale", "silent"):
        trail(moto, A, name, "a-logs", CloudWatchLogsLogGroupArn=group, CloudWatchLogsRoleArn=role)
    trail(moto, A, "plain", "a-logs")
    stale = (NOW - dt.timedelta(days=3)).replace(microsecond=0)
    set_cloudwatch_delivery(A, "us-east-1", "fresh", NOW - dt.timedelta(minutes=10))
    set_cloudwatch_delivery(A, "us-east-1", "stale", stale)
    run = audit("3.4", accounts=[A])

    assert outcome(run, "3.4", label="trail/fresh") == ("PASS", "")
    assert outcome(run, "3.4", label="trail/stale") == (
        "FAIL",
        f"CloudTrail trail stale last delivered to CloudWatch Logs at {stale.isoformat()}, more than a day before the audit",
    )
    assert outcome(run, "3.4", label="trail/silent") == ("FAIL", "CloudTrail trail silent has never delivered to CloudWatch Logs")
    assert outcome(run, "3.4", label="trail/plain") == ("FAIL", "CloudTrail trail plain does not deliver to CloudWatch Logs")


# -- 3.5 -------------------------------------------------------------------------------------
def recorder(moto, account, region, *, global_types, start):
    config = moto.client("config", account, region)
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{account}:role/config",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": global_types},
    })
    if start:
        config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-bucket"})
        config.start_configuration_recorder(ConfigurationRecorderName="default")


def test_3_5_config_recording_per_region(audit, moto):
    recorder(moto, A, "us-east-1", global_types=True, start=True)
    set_recorder_status(A, "us-east-1", "default", "SUCCESS")
    recorder(moto, B, "us-east-1", global_types=False, start=False)
    recorder(moto, B, "eu-west-1", global_types=True, start=True)  # moto leaves it PENDING
    run = audit("3.5", accounts=[A, B], regions=["us-east-1", "eu-west-1"])

    assert run.statuses("3.5") == {
        f"{A}-us-east-1-config": "PASS",
        f"{A}-eu-west-1-config": "FAIL",
        f"{B}-us-east-1-config": "FAIL",
        f"{B}-eu-west-1-config": "FAIL",
    }
    assert outcome(run, "3.5", account=A, region="eu-west-1") == (
        "FAIL", f"AWS Config in account {A}, region eu-west-1: no configuration recorder"
    )
    assert outcome(run, "3.5", account=B, region="us-east-1") == (
        "FAIL",
        f"AWS Config in account {B}, region us-east-1: recorder default does not include global resource types, "
        "is not recording",
    )
    assert outcome(run, "3.5", account=B, region="eu-west-1") == (
        "FAIL", f"AWS Config in account {B}, region eu-west-1: recorder default last status is PENDING, not SUCCESS"
    )


# -- 3.8 -------------------------------------------------------------------------------------
def test_3_8_only_enabled_customer_symmetric_keys(audit, moto):
    kms = moto.client("kms", A)
    rotated = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotated)
    static = kms.create_key()["KeyMetadata"]["KeyId"]
    disabled = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=disabled)
    doomed = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=doomed, PendingWindowInDays=7)
    kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    run = audit("3.8", accounts=[A])

    assert run.statuses("3.8") == {f"{A}-us-east-1-key/{rotated}": "PASS", f"{A}-us-east-1-key/{static}": "FAIL"}
    assert outcome(run, "3.8", status="FAIL") == ("FAIL", f"KMS key {static} does not rotate automatically")


# -- 3.9 -------------------------------------------------------------------------------------
def test_3_9_vpc_flow_logs(audit, moto):
    ec2 = moto.client("ec2", A)
    default = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    watched = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    accepts = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    common = dict(ResourceType="VPC", LogDestinationType="cloud-watch-logs", LogGroupName="flows",
                  DeliverLogsPermissionArn=f"arn:aws:iam::{A}:role/flows")
    ec2.create_flow_logs(ResourceIds=[watched], TrafficType="ALL", **common)
    ec2.create_flow_logs(ResourceIds=[accepts], TrafficType="ACCEPT", **common)
    run = audit("3.9", accounts=[A])

    assert run.statuses("3.9") == {
        f"{A}-us-east-1-vpc/{default}": "FAIL",
        f"{A}-us-east-1-vpc/{watched}": "PASS",
        f"{A}-us-east-1-vpc/{accepts}": "FAIL",
    }
    assert outcome(run, "3.9", label=f"vpc/{accepts}") == (
        "FAIL", f"VPC {accepts} has no active flow log capturing ALL or REJECT traffic"
    )


# -- 3.10, 3.11 (and 3.1 when selectors cannot be read) ---------------------------------------
def data_events(read_only, arn_prefix=None):
    fields = [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        {"Field": "readOnly", "Equals": [read_only]},
    ]
    if arn_prefix:
        fields.append({"Field": "resources.ARN", "StartsWith": [arn_prefix]})
    return [{"Name": "s3 objects", "FieldSelectors": fields}]


def test_3_10_3_11_object_level_logging(audit, moto):
    for bucket in ("written", "read", "ignored"):
        create_bucket(moto, A, "us-east-1", bucket)
    create_bucket(moto, B, "us-east-1", "hidden")
    all_objects = [{"ReadWriteType": "All", "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]
    # Write events of "written" (basic selector on its prefix), read events of "read" (advanced).
    trail(moto, A, "writer", "trail-a", IsMultiRegionTrail=True, selectors=[{
        "ReadWriteType": "WriteOnly", "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::written/"]}],
    }])
    trail(moto, A, "reader", "trail-a", IsMultiRegionTrail=True, advanced=data_events("true", "arn:aws:s3:::read/"))
    # Would cover everything, but one is stopped and the other only sees eu-west-1 (trail-a2).
    trail(moto, A, "stopped", "trail-a", IsMultiRegionTrail=True, logging=False, selectors=all_objects)
    trail(moto, A, "elsewhere", "trail-a2", "eu-west-1", selectors=all_objects)
    # B's selectors cannot be read: not a pass, an error naming the call.
    trail(moto, B, "unread", "trail-b", IsMultiRegionTrail=True, selectors=all_objects)
    denied = Refuse(B, ("cloudtrail", "GetEventSelectors"), message="denied by the test")
    run = audit("3.10", "3.11", "3.1", accounts=[A, B], regions=["us-east-1", "eu-west-1"], plugins=[denied])

    bucket_ids = {f"{A}-us-east-1-bucket/{n}" for n in ("written", "read", "ignored", "trail-a")}
    assert run.statuses("3.10") == {
        **{i: "FAIL" for i in bucket_ids}, f"{A}-us-east-1-bucket/written": "PASS",
        f"{A}-eu-west-1-bucket/trail-a2": "PASS", f"{B}-us-east-1-bucket/hidden": "ERROR",
        f"{B}-us-east-1-bucket/trail-b": "ERROR",
    }
    assert run.statuses("3.11") == {
        **{i: "FAIL" for i in bucket_ids}, f"{A}-us-east-1-bucket/read": "PASS",
        f"{A}-eu-west-1-bucket/trail-a2": "PASS", f"{B}-us-east-1-bucket/hidden": "ERROR",
        f"{B}-us-east-1-bucket/trail-b": "ERROR",
    }
    assert outcome(run, "3.10", label="bucket/read") == (
        "FAIL",
        "no logging CloudTrail trail records object-level write events for S3 bucket read: "
        "trail reader does not record all object-level write events of S3 bucket read: "
        "advanced selector 's3 objects' narrows readOnly (Equals true); "
        "trail stopped would record them but is not logging; "
        "trail writer does not record all object-level write events of S3 bucket read: "
        "event selector #1 narrows DataResources (arn:aws:s3:::written/)",
    )
    assert outcome(run, "3.11", label="bucket/written") == (
        "FAIL",
        "no logging CloudTrail trail records object-level read events for S3 bucket written: "
        "trail reader does not record all object-level read events of S3 bucket written: "
        "advanced selector 's3 objects' narrows resources.ARN (StartsWith arn:aws:s3:::read/); "
        "trail stopped would record them but is not logging; "
        "trail writer does not record all object-level read events of S3 bucket written: "
        "event selector #1 narrows ReadWriteType (WriteOnly)",
    )
    # a pass names the trail that records the events
    assert outcome(run, "3.10", label="bucket/written") == (
        "PASS", "trail writer records every object-level write event of S3 bucket written"
    )
    assert outcome(run, "3.11", label="bucket/trail-a2") == (
        "PASS", "trail elsewhere records every object-level read event of S3 bucket trail-a2"
    )
    denied_message = (
        f"cloudtrail:GetEventSelectors failed in account {B}, region us-east-1: AccessDenied (denied by the test); "
        "grant cloudtrail:GetEventSelectors to the audit role"
    )
    assert outcome(run, "3.10", label="bucket/hidden") == ("ERROR", denied_message)
    assert outcome(run, "3.1", account=B) == ("ERROR", denied_message)


# -- selectors that narrow (issue: every field CloudTrail accepts) and trails homed elsewhere --
def test_3_1_3_10_3_11_a_narrowing_selector_fails_naming_the_field(audit, moto):
    management = {"Field": "eventCategory", "Equals": ["Management"]}
    objects = [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]
    create_bucket(moto, A, "us-east-1", "puts")
    # A: all management events but KMS's, and S3 data events only for PutObject
    trail(moto, A, "no-kms", "a-trail", IsMultiRegionTrail=True, advanced=[
        {"Name": "management", "FieldSelectors": [management, {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]}]},
        {"Name": "puts", "FieldSelectors": [*objects, {"Field": "eventName", "Equals": ["PutObject"]}]},
    ])
    # B: the console's "exclude AWS KMS events" in a basic selector
    trail(moto, B, "basic", "b-trail", IsMultiRegionTrail=True, selectors=[
        {"ReadWriteType": "All", "IncludeManagementEvents": True, "ExcludeManagementEventSources": ["kms.amazonaws.com"]},
    ])
    # C: all management events and its log bucket's object events (advanced selectors); its
    # single-region trail homed in us-west-2, outside --aws-regions, records every object
    # event of that region's bucket.
    own_bucket = {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::c-trail/"]}
    trail(moto, C, "everything", "c-trail", IsMultiRegionTrail=True, advanced=[
        {"Name": "management", "FieldSelectors": [management]},
        {"Name": "reads", "FieldSelectors": [*objects, {"Field": "readOnly", "Equals": ["true"]}, own_bucket]},
        {"Name": "writes", "FieldSelectors": [*objects, {"Field": "readOnly", "Equals": ["false"]}, own_bucket]},
    ])
    trail(moto, C, "west", "c-west", "us-west-2", advanced=[{"Name": "objects", "FieldSelectors": objects}])
    run = audit("3.1", "3.10", "3.11", accounts=[A, B, C])

    no_trail = "account {} has no multi-region CloudTrail trail that is logging and records all read and write management events: "
    assert outcome(run, "3.1", account=A) == ("FAIL", no_trail.format(A) + (
        "trail no-kms does not record all read management events: "
        "advanced selector 'management' narrows eventSource (NotEquals kms.amazonaws.com)"
    ))
    assert outcome(run, "3.1", account=B) == ("FAIL", no_trail.format(B) + (
        "trail basic does not record all read management events: "
        "event selector #1 narrows ExcludeManagementEventSources (kms.amazonaws.com)"
    ))
    assert outcome(run, "3.1", account=C) == (
        "PASS", "multi-region trail everything is logging and records all management events"
    )
    for control, kind in (("3.10", "write"), ("3.11", "read")):
        assert outcome(run, control, label="bucket/puts") == ("FAIL", (
            f"no logging CloudTrail trail records object-level {kind} events for S3 bucket puts: "
            f"trail no-kms does not record all object-level {kind} events of S3 bucket puts: "
            "advanced selector 'puts' narrows eventName (Equals PutObject)"
        ))
        assert outcome(run, control, label="bucket/c-trail") == (
            "PASS", f"trail everything records every object-level {kind} event of S3 bucket c-trail"
        )
        assert outcome(run, control, label="bucket/c-west", region="us-west-2") == (
            "PASS", f"trail west records every object-level {kind} event of S3 bucket c-west"
        )


def test_a_home_region_whose_trails_cannot_be_described_errs_only_where_they_matter(audit, moto):
    objects = [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]
    for region, bucket in (("us-east-1", "east-data"), ("us-east-1", "east-other"), ("us-west-2", "west-data")):
        create_bucket(moto, A, region, bucket)
    trail(moto, A, "main", "a-trail", IsMultiRegionTrail=True, EnableLogFileValidation=True, advanced=[
        {"Name": "management", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
        {"Name": "east", "FieldSelectors": [*objects, {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::east-data/"]}]},
    ])
    trail(moto, A, "west", "a-west", "us-west-2", advanced=[{"Name": "objects", "FieldSelectors": objects}])
    denied = Refuse(A, ("cloudtrail", "DescribeTrails"), message="denied by the test", region="us-west-2")
    run = audit("3.1", "3.2", "3.10", accounts=[A], regions=["us-east-1", "us-west-2"], plugins=[denied])

    error = ("ERROR", f"cloudtrail:DescribeTrails failed in account {A}, region us-west-2: AccessDenied "
                      "(denied by the test); grant cloudtrail:DescribeTrails to the audit role")
    # 3.1 needs a multi-region trail: those are all described in the partition's home region
    assert outcome(run, "3.1", account=A)[0] == "PASS"
    assert outcome(run, "3.2", label="trail/main") == ("PASS", "")
    assert outcome(run, "3.2", label="trail/west") == outcome(run, "3.2", region="us-west-2", label="trails") == error
    assert outcome(run, "3.10", label="bucket/east-data") == (
        "PASS", "trail main records every object-level write event of S3 bucket east-data"
    )
    assert outcome(run, "3.10", label="bucket/east-other")[0] == "FAIL"  # the unread trail cannot see it
    assert outcome(run, "3.10", label="bucket/west-data") == error  # the unread trail might record it
