"""Demo estate for section 3 (CloudTrail, Config, KMS, flow logs): both outcomes of each control.

moto gaps filled here, on moto's backend objects in this process (never in the audit path):
GetTrailStatus has no LatestCloudWatchLogsDeliveryTime (``set_cloudwatch_delivery``) and a
started Config recorder never reaches lastStatus SUCCESS (``set_recorder_status``).
"""
from __future__ import annotations

import datetime as dt

from ..clients import EstateClients
from .section2 import create_bucket

READ_WRITE_MANAGEMENT = [{"ReadWriteType": "All", "IncludeManagementEvents": True}]
ALL_S3_DATA = [{
    "ReadWriteType": "All", "IncludeManagementEvents": True,
    "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
}]


# -- moto gaps --------------------------------------------------------------------------
def set_cloudwatch_delivery(account: str, region: str, trail: str, when: dt.datetime) -> None:
    """Make GetTrailStatus report ``when`` as the trail's last CloudWatch Logs delivery."""
    from moto.cloudtrail.models import TrailStatus, cloudtrail_backends

    class DeliveringStatus(TrailStatus):
        def description(self):
            described = super().description()
            described["LatestCloudWatchLogsDeliveryTime"] = when.timestamp()
            return described

    found = cloudtrail_backends[account][region].trails[trail]
    status = DeliveringStatus()
    status.__dict__.update(found.status.__dict__)
    found.status = status


def set_recorder_status(account: str, region: str, recorder: str, last_status: str) -> None:
    """moto leaves a started recorder PENDING; set the outcome AWS would report."""
    from moto.config.models import config_backends

    config_backends[account][region].recorders[recorder].status.last_status = last_status


# -- building blocks ----------------------------------------------------------------------
def trail_bucket(clients: EstateClients, account: str, region: str, name: str, *, access_logging: bool) -> str:
    create_bucket(clients, account, region, name)
    if access_logging:
        target = f"{name}-access"
        create_bucket(clients, account, region, target)
        s3 = clients.client("s3", account, region)
        s3.put_bucket_acl(Bucket=target, ACL="log-delivery-write")
        s3.put_bucket_logging(
            Bucket=name,
            BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": target, "TargetPrefix": "access/"}},
        )
    return name


def recorder(clients: EstateClients, account: str, region: str, *, global_types: bool, last_status: str | None) -> None:
    config = clients.client("config", account, region)
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default",
        "roleARN": f"arn:aws:iam::{account}:role/config-recorder",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": global_types},
    })
    if last_status:
        config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": f"config-{account}"})
        config.start_configuration_recorder(ConfigurationRecorderName="default")
        set_recorder_status(account, region, "default", last_status)


# -- the estate ----------------------------------------------------------------------------
def seed(clients: EstateClients, accounts: tuple[str, ...], regions: tuple[str, ...]) -> None:
    home = regions[0]
    now = dt.datetime.now(dt.timezone.utc)
    first = accounts[0]
    central = trail_bucket(clients, first, home, f"demo-{first}-cloudtrail", access_logging=True)
    for index, account in enumerate(accounts):
        trails = clients.client("cloudtrail", account, home)
        kms = clients.client("kms", account, home)
        if index == 0:
            # The model account: one multi-region trail doing everything right.
            key = kms.create_key(Description="cloudtrail logs")["KeyMetadata"]["Arn"]
            trails.create_trail(
                Name="org-audit", S3BucketName=central, IsMultiRegionTrail=True, EnableLogFileValidation=True,
                KmsKeyId=key, CloudWatchLogsLogGroupArn=f"arn:aws:logs:{home}:{account}:log-group:cloudtrail:*",
                CloudWatchLogsRoleArn=f"arn:aws:iam::{account}:role/cloudtrail-to-logs",
            )
            trails.put_event_selectors(TrailName="org-audit", EventSelectors=ALL_S3_DATA)
            trails.start_logging(Name="org-audit")
            set_cloudwatch_delivery(account, home, "org-audit", now - dt.timedelta(minutes=5))
            kms.enable_key_rotation(KeyId=key)
        elif index % 2 == 1:
            # A single-region trail, stopped, with a public bucket and read-only data events.
            bucket = trail_bucket(clients, account, home, f"demo-{account}-trail-logs", access_logging=False)
            clients.client("s3", account, home).put_bucket_acl(Bucket=bucket, ACL="public-read")
            trails.create_trail(Name="legacy", S3BucketName=bucket)
            trails.put_event_selectors(TrailName="legacy", AdvancedEventSelectors=[{
                "Name": "object reads",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                    {"Field": "readOnly", "Equals": ["true"]},
                ],
            }])
            trails.start_logging(Name="legacy")
            kms.create_key(Description="application data")  # rotation left off
        else:
            # Logs to the first account's bucket: 3.3 and 3.6 cannot be shown to pass here.
            trails.create_trail(
                Name="to-central", S3BucketName=central, IsMultiRegionTrail=True,
                CloudWatchLogsLogGroupArn=f"arn:aws:logs:{home}:{account}:log-group:cloudtrail:*",
                CloudWatchLogsRoleArn=f"arn:aws:iam::{account}:role/cloudtrail-to-logs",
            )
            # Write management events only: not enough for 3.1.
            trails.put_event_selectors(TrailName="to-central", AdvancedEventSelectors=[{
                "Name": "management writes",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Management"]},
                    {"Field": "readOnly", "Equals": ["false"]},
                ],
            }])
            trails.start_logging(Name="to-central")
            set_cloudwatch_delivery(account, home, "to-central", now - dt.timedelta(days=3))

        for r_index, region in enumerate(regions):
            if r_index == 0:
                recorder(clients, account, region, global_types=True, last_status="SUCCESS")
            elif index % 2 == 0:
                recorder(clients, account, region, global_types=False, last_status="FAILURE")
            # Flow logs on the default VPC of the home region only.
            if r_index == 0:
                ec2 = clients.client("ec2", account, region)
                vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
                ec2.create_flow_logs(
                    ResourceIds=[vpc], ResourceType="VPC", TrafficType="REJECT",
                    LogDestinationType="s3", LogDestination=f"arn:aws:s3:::{central}",
                )
