"""The rules later versions changed (C1-C7) and the checks they added (N1, N2), each on both
sides against in-process moto, with exact messages. Where a rule changed, the same estate is
also audited under v2.0.0, to show the old rule's verdict beside the new one."""
from __future__ import annotations

import json

from pytest_cis_aws.demo import gaps, iam_state
from pytest_cis_aws.demo.seed import section4
from pytest_cis_aws.demo.seed.section2 import create_bucket
from pytest_cis_aws.demo.seed.section3 import set_recorder_status
from pytest_cis_aws.registry import by_id
from tests.controls.test_section3_logging import data_events, recorder, trail
from tests.harness import A, B, C

REGION, OTHER = "us-east-1", "eu-west-1"


def version(v: str) -> list[str]:
    return ["--cis-benchmark", v]


def verdicts(run, control: str) -> dict[str, tuple[str, str]]:
    """unit id -> (status, message) for one control."""
    return {f.test_id.split("[", 1)[1][:-1]: (f.status, f.message) for f in run.of(control)}


def deny(bucket: str, condition: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"], "Condition": condition}]})


def test_c1_a_deny_on_old_tls_versions_counts_from_v4(audit, moto):
    s3 = moto.client("s3", A)
    for name in ("https-only", "tls-floor", "open"):
        create_bucket(moto, A, REGION, name)
    s3.put_bucket_policy(Bucket="https-only", Policy=deny("https-only", {"Bool": {"aws:SecureTransport": "false"}}))
    s3.put_bucket_policy(Bucket="tls-floor", Policy=deny("tls-floor", {"NumericLessThan": {"s3:TlsVersion": "1.2"}}))
    new = audit("2.1.1", args=version("4.0.1"))
    old = audit("2.1.1", args=version("2.0.0"))

    wanted_new = "aws:SecureTransport is false or s3:TlsVersion is below a minimum"
    assert verdicts(new, "2.1.1") == {
        f"{A}-us-east-1-bucket/https-only": ("PASS", ""),
        f"{A}-us-east-1-bucket/tls-floor": ("PASS", ""),
        f"{A}-us-east-1-bucket/open": (
            "FAIL", f"the policy of S3 bucket open does not deny requests made without TLS "
                    f"(a Deny to \"*\" on s3:* for its objects when {wanted_new})"),
    }
    assert verdicts(old, "2.1.1")[f"{A}-us-east-1-bucket/tls-floor"] == (
        "FAIL", "the policy of S3 bucket tls-floor does not deny requests made without TLS "
                "(a Deny to \"*\" on s3:* for its objects when aws:SecureTransport is false)")
    # which form matched is on record, so a reader sees that tls-floor does not refuse plain HTTP
    forms = {f.resource: f.evidence for f in new.of("2.1.1")}
    assert [e["source"] for e in forms["arn:aws:s3:::tls-floor"]] == ["s3:GetBucketPolicy"]
    assert forms["arn:aws:s3:::tls-floor"][0]["fields"]["deny_condition_key"] == "s3:TlsVersion"
    assert forms["arn:aws:s3:::https-only"][0]["fields"]["deny_condition_key"] == "aws:SecureTransport"
    assert {f.check for f in new.findings} == {"2.1.1+C1"} and {f.check for f in old.findings} == {"2.1.1"}


def test_c2_every_recorder_complete_and_global_types_once_per_account(audit, moto):
    # A: global types recorded in us-east-1 only; both regions complete otherwise.
    recorder(moto, A, REGION, global_types=True, start=True)
    recorder(moto, A, OTHER, global_types=False, start=True)
    # B: everything recorded but global types, anywhere.
    recorder(moto, B, REGION, global_types=False, start=True)
    recorder(moto, B, OTHER, global_types=False, start=True)
    for account in (A, B):
        for region in (REGION, OTHER):
            set_recorder_status(account, region, "default", "SUCCESS")
    regions = [REGION, OTHER]
    new = audit("3.3", accounts=[A, B], regions=regions, args=version("4.0.1"))
    old = audit("3.5", accounts=[A, B], regions=regions, args=version("2.0.0"))

    missing_global = f"no recorder of account {B}, in any region, includes global resource types"
    assert verdicts(new, "3.3") == {
        f"{A}-{REGION}-config": ("PASS", ""),
        f"{A}-{OTHER}-config": ("PASS", ""),
        f"{B}-{REGION}-config": ("FAIL", f"AWS Config in account {B}, region {REGION}: {missing_global}"),
        f"{B}-{OTHER}-config": ("FAIL", f"AWS Config in account {B}, region {OTHER}: {missing_global}"),
    }
    assert verdicts(old, "3.5")[f"{A}-{OTHER}-config"] == (
        "FAIL", f"AWS Config in account {A}, region {OTHER}: recorder default does not include global resource types")
    assert verdicts(old, "3.5")[f"{A}-{REGION}-config"] == ("PASS", "")


def test_c3_object_read_events_need_a_multi_region_trail_from_v4(audit, moto):
    create_bucket(moto, A, REGION, "data")
    trail(moto, A, "local-reads", "trail-logs", advanced=data_events("true"))  # single-region, logging
    create_bucket(moto, B, REGION, "data-b")
    trail(moto, B, "global-reads", "trail-logs-b", IsMultiRegionTrail=True, advanced=data_events("true"))
    new = audit("3.9", accounts=[A, B], args=version("4.0.1"))
    old = audit("3.11", accounts=[A, B], args=version("2.0.0"))

    assert verdicts(new, "3.9")[f"{A}-{REGION}-bucket/data"] == (
        "FAIL", "no logging multi-region CloudTrail trail records object-level read events for S3 bucket data")
    assert verdicts(new, "3.9")[f"{B}-{REGION}-bucket/data-b"] == (
        "PASS", "trail global-reads records every object-level read event of S3 bucket data-b")
    assert verdicts(old, "3.11")[f"{A}-{REGION}-bucket/data"] == (
        "PASS", "trail local-reads records every object-level read event of S3 bucket data")


def seed_roots(moto):
    for account in (A, B, C):
        moto.client("iam", account)
    iam_state.set_root(A, password=False)  # no MFA, but no password either
    iam_state.set_root(B)  # a password and no MFA
    iam_state.set_root(C, password=False, virtual_mfa=True)


def test_c4_c5_a_root_user_without_a_password_passes_from_v5(audit, moto):
    seed_roots(moto)
    new = audit("1.4", "1.5", accounts=[A, B, C], args=version("5.0.0"))
    old = audit("1.5", "1.6", accounts=[A, B, C], args=version("2.0.0"))

    assert verdicts(new, "1.4") == {
        f"{A}-global-account": ("PASS", ""),
        f"{B}-global-account": ("FAIL", f"the root user of account {B} has a password and no MFA"),
        f"{C}-global-account": ("PASS", ""),
    }
    assert verdicts(new, "1.5") == {
        f"{A}-global-account": ("PASS", ""),
        f"{B}-global-account": ("FAIL", f"the root user of account {B} has no MFA"),
        f"{C}-global-account": ("PASS", ""),
    }
    assert verdicts(old, "1.5")[f"{A}-global-account"] == ("FAIL", f"the root user of account {A} has no MFA")
    assert verdicts(old, "1.6")[f"{C}-global-account"] == (
        "FAIL", f"the root user of account {C} uses a virtual MFA device, not a hardware one")
    assert new.one("1.4", account=A).evidence == [
        {"source": "iam:GetAccountSummary", "fields": {"AccountMFAEnabled": 0, "AccountPasswordPresent": 0}}]


def test_c6_only_external_access_analyzers_count_from_v5(audit, moto):
    gaps.access_analyzer.add(A, REGION, "unused", type="ACCOUNT_UNUSED_ACCESS")
    gaps.access_analyzer.add(B, REGION, "external", type="ORGANIZATION")
    new = audit("1.19", accounts=[A, B], args=version("5.0.0"))
    old = audit("1.20", accounts=[A, B], args=version("2.0.0"))

    assert verdicts(new, "1.19") == {
        f"{A}-{REGION}": ("FAIL", f"account {A} has no active external-access IAM Access Analyzer in {REGION}"),
        f"{B}-{REGION}": ("PASS", ""),
    }
    assert verdicts(old, "1.20")[f"{A}-{REGION}"] == ("PASS", "")


def test_c7_security_group_changes_include_modify_security_group_rules_from_v5(audit, moto):
    v2_pattern = by_id("2.0.0")["4.10"].extra["filter_patterns"][0]
    v5_pattern = by_id("5.0.0")["4.10"].extra["filter_patterns"][0]
    for account, pattern in ((A, v2_pattern), (B, v5_pattern)):
        log_group = section4.trail_into_logs(moto, account, REGION)
        section4.watch(moto, account, REGION, log_group, "4.10", pattern=pattern,
                       topic_arn=section4.topic(moto, account, REGION))
    new = audit("4.10", accounts=[A, B], args=version("5.0.0"))
    old = audit("4.10", accounts=[A, B], args=version("2.0.0"))

    def chain(account):  # a pass names the chain that holds
        return ("PASS", "trail cis-monitoring -> log group cis-monitoring-trail-logs -> metric filter cis-4-10 -> "
                        f"alarm cis-4-10 -> SNS topic arn:aws:sns:{REGION}:{account}:cis-alarms with a confirmed subscription")

    assert verdicts(new, "4.10") == {
        f"{A}-global-account": ("FAIL", "no metric filter on log group cis-monitoring-trail-logs (trail cis-monitoring) "
                                        "catches every event of the CIS 4.10 pattern"),
        f"{B}-global-account": chain(B),
    }
    assert verdicts(old, "4.10") == {f"{A}-global-account": chain(A), f"{B}-global-account": chain(B)}
    # the same failing unit under v6.0.0, where the control is 5.10: its own id in the message
    renumbered = audit("5.10", accounts=[A], args=version("6.0.0"))
    assert renumbered.one("5.10").message.endswith("catches every event of the CIS 5.10 pattern")


def test_n1_rds_multi_az_instances_and_cluster_members(audit, moto):
    rds = moto.client("rds", A)
    common = dict(DBInstanceClass="db.t3.micro", MasterUsername="admin", MasterUserPassword="password-123",
                  AllocatedStorage=20)
    rds.create_db_instance(DBInstanceIdentifier="spread", Engine="postgres", MultiAZ=True, **common)
    rds.create_db_instance(DBInstanceIdentifier="single", Engine="postgres", MultiAZ=False, **common)
    rds.create_db_cluster(DBClusterIdentifier="orders", Engine="aurora-postgresql", MasterUsername="admin",
                          MasterUserPassword="password-123")
    rds.create_db_instance(DBInstanceIdentifier="orders-1", DBClusterIdentifier="orders", Engine="aurora-postgresql",
                           DBInstanceClass="db.r6g.large")
    run = audit("2.2.4", args=version("4.0.1"))

    assert verdicts(run, "2.2.4") == {
        f"{A}-{REGION}-db/spread": ("PASS", ""),
        f"{A}-{REGION}-db/single": ("FAIL", "RDS instance single runs in a single Availability Zone (Multi-AZ is off)"),
        f"{A}-{REGION}-db/orders-1": ("FAIL", "RDS instance orders-1 belongs to DB cluster orders, which is not Multi-AZ"),
    }


def test_n2_cifs_open_to_the_internet(audit, moto):
    ec2 = moto.client("ec2", A)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]

    def group(name, *permissions):
        found = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        if permissions:
            ec2.authorize_security_group_ingress(GroupId=found, IpPermissions=list(permissions))
        return found

    smb = group("smb-world", {"IpProtocol": "tcp", "FromPort": 445, "ToPort": 445, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]})
    every = group("all-v6", {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]})
    office = group("smb-office", {"IpProtocol": "tcp", "FromPort": 445, "ToPort": 445, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]})
    udp = group("udp-only", {"IpProtocol": "udp", "FromPort": 400, "ToPort": 500, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]})
    run = audit("5.1.2", args=version("4.0.1"))

    found = verdicts(run, "5.1.2")
    assert found[f"{A}-{REGION}-security-group/{smb}"] == (
        "FAIL", f"security group {smb} (smb-world) allows 0.0.0.0/0 to port 445 (tcp 445)")
    assert found[f"{A}-{REGION}-security-group/{every}"] == (
        "FAIL", f"security group {every} (all-v6) allows ::/0 to port 445 (all traffic)")
    assert found[f"{A}-{REGION}-security-group/{office}"] == ("PASS", "")
    assert found[f"{A}-{REGION}-security-group/{udp}"] == ("PASS", "")
