"""Section 3: Logging (CloudTrail, AWS Config, KMS, VPC flow logs, S3 object-level logging).

PYTEST_DONT_REWRITE: a control's verdict is its own message, so pytest's assertion
introspection (costly at organisation scale, and noise in a finding) is left out.
"""
import datetime as dt

from pytest_cis_aws.controls import changed, control, evidence, passed_because
from pytest_cis_aws.collectors import access_logs, awsconfig, cloudtrail, flowlogs, kms
from pytest_cis_aws.rules import resource_policy, s3_policy
from pytest_cis_aws.rules.trail_selectors import READ, WRITE

CLOUDWATCH_DELIVERY_MAX_AGE = dt.timedelta(days=1)


@control("3.1", units=cloudtrail.accounts_trails)
def test_3_1_multi_region_trail_recording(account):
    trail, sentence = account.recording_trail()
    evidence("cloudtrail:DescribeTrails", multi_region_trails=sorted(t.name for t in account.trails if t.multi_region),
             logging_all_management_events=[trail.name] if trail else [])
    assert trail, (
        f"account {account.account} has no multi-region CloudTrail trail that is logging "
        "and records all read and write management events" + (f": {sentence}" if sentence else "")
    )
    passed_because(sentence)


@control("3.2", units=cloudtrail.all_trails, reads=("description",))
def test_3_2_log_file_validation(trail):
    evidence("cloudtrail:DescribeTrails", TrailName=trail.name, LogFileValidationEnabled=trail.log_file_validation)
    assert trail.log_file_validation, f"CloudTrail trail {trail.name} does not validate its log files"


@control("3.3", units=cloudtrail.trail_buckets, reads=("bucket", "acl", "policy"))
def test_3_3_trail_bucket_not_public(log_bucket):
    evidence("s3:ListBuckets", Bucket=log_bucket.name, owned_by_account=log_bucket.bucket is not None)
    assert log_bucket.bucket is not None, (
        f"CloudTrail log bucket {log_bucket.name} is not a bucket of account {log_bucket.account} "
        "(another account owns it, or it is gone): its ACL and policy cannot be read from here, so it fails "
        "until checked in its owner's account"
    )
    grants = s3_policy.public_grants(log_bucket.bucket.acl)
    statements = resource_policy.public_statements(log_bucket.bucket.policy)
    evidence("s3:GetBucketAcl", public_grantees=grants)
    evidence("s3:GetBucketPolicy", public_statements=[s.describe() for s in statements])
    assert not grants and not statements, (
        f"CloudTrail log bucket {log_bucket.name} is public: "
        f"ACL grants to {', '.join(grants) or 'none'}; policy statements open to everyone: "
        f"{', '.join(s.describe() for s in statements) or 'none'}"
    )


@control("3.4", units=cloudtrail.cloudwatch_trails, reads=("status",))
def test_3_4_trail_sends_to_cloudwatch_logs(trail):
    # A member covered by an organization trail has a unit for it, judged on what the member reads.
    evidence("cloudtrail:DescribeTrails", TrailName=trail.name, LogGroupArn=trail.cloudwatch_log_group_arn)
    evidence("cloudtrail:GetTrailStatus", LatestCloudWatchLogsDeliveryTime=trail.latest_cloudwatch_delivery)
    assert trail.cloudwatch_log_group_arn, f"CloudTrail {trail.named} does not deliver to CloudWatch Logs"
    delivered = trail.latest_cloudwatch_delivery
    assert delivered is not None, f"CloudTrail {trail.named} has never delivered to CloudWatch Logs"
    assert trail.observed_at - delivered <= CLOUDWATCH_DELIVERY_MAX_AGE, (
        f"CloudTrail {trail.named} last delivered to CloudWatch Logs at {delivered.isoformat()}, "
        "more than a day before the audit"
    )
    if trail.covers_from_organization:
        passed_because(f"{trail.named} covers this account and delivers to log group {trail.cloudwatch_log_group_arn}")


@control("3.5", units=awsconfig.regions, reads=("recorders", "statuses"))
def test_3_5_config_recording(config):
    if changed("C2"):  # v4.0.1 on: every recorder complete; global types once per account
        if config.account_records_global is None:
            raise config.global_types_error  # another region's recorders could not be read
        problem = config.every_recorder_problem()
    else:
        problem = config.recording_problem()
    evidence("config:DescribeConfigurationRecorders", **config.recording_facts()["recorders"])
    evidence("config:DescribeConfigurationRecorderStatus", **config.recording_facts()["statuses"])
    assert problem is None, f"AWS Config in account {config.account}, region {config.region}: {problem}"


@control("3.6", units=cloudtrail.trails_with_buckets, reads=("bucket", "logging"))
def test_3_6_trail_bucket_access_logging(trail):
    evidence("s3:GetBucketLogging", Bucket=trail.bucket_name,
             LoggingEnabled=trail.bucket.logging if trail.bucket is not None else None)
    assert trail.bucket_name, f"CloudTrail trail {trail.trail} delivers to no S3 bucket"
    assert trail.bucket is not None, (
        f"the log bucket {trail.bucket_name} of CloudTrail trail {trail.trail} is not a bucket of account "
        f"{trail.account} (another account owns it, or it is gone): its access logging cannot be read from "
        "here, so it fails until checked in its owner's account"
    )
    assert trail.bucket.logging, (
        f"the log bucket {trail.bucket_name} of CloudTrail trail {trail.trail} has server access logging off"
    )


@control("3.7", units=cloudtrail.all_trails, reads=("description",))
def test_3_7_trail_encrypted_with_kms(trail):
    evidence("cloudtrail:DescribeTrails", TrailName=trail.name, KmsKeyId=trail.kms_key_id)
    assert trail.kms_key_id, f"CloudTrail trail {trail.name} does not encrypt its logs with a KMS key"


@control("3.8", units=kms.all_customer_keys, reads=("key", "rotation"))
def test_3_8_kms_key_rotation(key):
    evidence("kms:GetKeyRotationStatus", KeyId=key.id, KeyRotationEnabled=key.rotation_enabled)
    assert key.rotation_enabled, f"KMS key {key.id} does not rotate automatically"


@control("3.9", units=flowlogs.all_vpcs, reads=("flow_logs",))
def test_3_9_vpc_flow_logs(vpc):
    evidence("ec2:DescribeFlowLogs", VpcId=vpc.id,
             FlowLogs={f.get("FlowLogId"): f"{f.get('FlowLogStatus')} {f.get('TrafficType')}" for f in vpc.flow_logs})
    assert vpc.active_flow_logs, f"VPC {vpc.id} has no active flow log capturing ALL or REJECT traffic"


def _assert_object_events_logged(bucket, kind, multi_region_only=False):
    trail, sentence = bucket.covering_trail(kind, multi_region_only)
    evidence("cloudtrail:GetEventSelectors", **{f"trails_logging_object_{kind}s": [trail.name] if trail else []})
    which = "logging multi-region CloudTrail trail" if multi_region_only else "logging CloudTrail trail"
    assert trail, (
        f"no {which} records object-level {kind} events for S3 bucket {bucket.name}" + (f": {sentence}" if sentence else "")
    )
    passed_because(sentence)


@control("3.10", units=cloudtrail.buckets_with_trails)
def test_3_10_s3_object_write_events_logged(bucket):
    _assert_object_events_logged(bucket, WRITE)


@control("3.11", units=cloudtrail.buckets_with_trails)
def test_3_11_s3_object_read_events_logged(bucket):
    _assert_object_events_logged(bucket, READ, multi_region_only=changed("C3"))  # v4.0.1 on: multi-region only


@control("access-logging", units=access_logs.all_front_ends, reads=("logging",))
def test_access_logging(front):
    evidence(front.source, **front.settings)
    assert front.destinations, f"{front.named} has access logging off"
    passed_because(f"{front.named} logs its requests to {', '.join(front.destinations)}")
