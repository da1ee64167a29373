"""Section 2: Storage (S3, EBS, RDS, EFS).

PYTEST_DONT_REWRITE: a control's verdict is its own message, so pytest's assertion
introspection (costly at organisation scale, and noise in a finding) is left out.
"""
from pytest_cis_aws.controls import changed, control, evidence, passed_because
from pytest_cis_aws.collectors import ebs, efs, rds, s3
from pytest_cis_aws.rules import s3_policy


@control("2.1.1", units=s3.all_buckets, reads=("policy",))
def test_2_1_1_bucket_policy_denies_http(bucket):
    tls_version_counts = changed("C1")  # v4.0.1 on: a Deny on an old TLS version is accepted too
    form = s3_policy.https_denial(bucket.policy, bucket.name, bucket.partition, accept_tls_version=tls_version_counts)
    evidence("s3:GetBucketPolicy", deny_condition_key=form,
             Deny=[s for s in s3_policy.statements(bucket.policy) if s.get("Effect") == "Deny"])
    wanted = "aws:SecureTransport is false" + (" or s3:TlsVersion is below a minimum" if tls_version_counts else "")
    assert form, (
        f"the policy of S3 bucket {bucket.name} does not deny requests made without TLS "
        f"(a Deny to \"*\" on s3:* for its objects when {wanted})"
    )


@control("2.1.2", units=s3.all_buckets, reads=("versioning",))
def test_2_1_2_mfa_delete_enabled(bucket):
    evidence("s3:GetBucketVersioning", **{k: (bucket.versioning or {}).get(k) for k in ("Status", "MFADelete")})
    assert (bucket.versioning or {}).get("MFADelete") == "Enabled", (
        f"S3 bucket {bucket.name} does not have MFA Delete enabled"
    )


@control("2.1.3", units=lambda inv: inv.accounts(), manual=True)
def test_2_1_3_s3_data_discovered_and_classified(account):
    """Manual: classifying S3 data (Amazon Macie or another tool) is a person's judgement."""


@control("2.1.4", units=s3.all_buckets, reads=("public_access_block", "account_public_access_block"))
def test_2_1_4_block_public_access(bucket):
    bucket_off = s3.flags_off(bucket.public_access_block)
    account_off = s3.flags_off(bucket.account_public_access_block)
    evidence("s3:GetBucketPublicAccessBlock", PublicAccessBlockConfiguration=bucket.public_access_block)
    evidence("s3:GetAccountPublicAccessBlock", PublicAccessBlockConfiguration=bucket.account_public_access_block)
    assert not bucket_off or not account_off, (
        f"S3 bucket {bucket.name} is not fully protected by Block Public Access: "
        f"off at bucket level: {', '.join(bucket_off)}; off at account level: {', '.join(account_off)}"
    )


@control("2.2.1", units=ebs.regions, reads=("encrypted_by_default",))
def test_2_2_1_ebs_encryption_by_default(region):
    evidence("ec2:GetEbsEncryptionByDefault", EbsEncryptionByDefault=region.encrypted_by_default)
    assert region.encrypted_by_default, (
        f"EBS encryption by default is off in account {region.account}, region {region.region}"
    )


# 2.3.1 and 2.3.2 read only the instance's own description, never its routes (2.3.3).
@control("2.3.1", units=rds.all_db_instances, reads=("instance",))
def test_2_3_1_rds_storage_encrypted(db):
    evidence("rds:DescribeDBInstances", DBInstanceIdentifier=db.id, StorageEncrypted=db.storage_encrypted)
    assert db.storage_encrypted, f"RDS instance {db.id} does not encrypt its storage"


@control("2.3.2", units=rds.all_db_instances, reads=("instance",))
def test_2_3_2_rds_auto_minor_version_upgrade(db):
    evidence("rds:DescribeDBInstances", DBInstanceIdentifier=db.id,
             AutoMinorVersionUpgrade=db.auto_minor_version_upgrade)
    assert db.auto_minor_version_upgrade, f"RDS instance {db.id} does not upgrade minor versions automatically"


@control("2.3.3", units=rds.all_db_instances, reads=("routes",))
def test_2_3_3_rds_not_publicly_accessible(db):
    evidence("rds:DescribeDBInstances", DBInstanceIdentifier=db.id, PubliclyAccessible=db.publicly_accessible,
             DBSubnetGroup=db.subnet_group)
    if not db.publicly_accessible:
        return
    assert db.subnet_group, f"RDS instance {db.id} is publicly accessible, and AWS reports no DB subnet group whose routes could show otherwise"
    evidence("ec2:DescribeRouteTables", routes_to_internet_gateways=[r.describe() for r in db.internet_routes])
    assert not db.internet_routes, (
        f"RDS instance {db.id} is publicly accessible: " + "; ".join(r.describe() for r in db.internet_routes)
    )
    passed_because(
        f"RDS instance {db.id} has PubliclyAccessible set, but no subnet of its DB subnet group {db.subnet_group} "
        "routes 0.0.0.0/0 or ::/0 to an internet gateway: it is reachable from the internet only if routing changes"
    )


@control("rds-multi-az", units=rds.db_instances_with_clusters, reads=("cluster",))
def test_rds_multi_az(db):
    evidence("rds:DescribeDBInstances", MultiAZ=db.multi_az, DBClusterIdentifier=db.cluster_id)
    if db.cluster_id:
        evidence("rds:DescribeDBClusters", MultiAZ=db.cluster_multi_az)
        assert db.cluster_multi_az, f"RDS instance {db.id} belongs to DB cluster {db.cluster_id}, which is not Multi-AZ"
    else:
        assert db.multi_az, f"RDS instance {db.id} runs in a single Availability Zone (Multi-AZ is off)"


@control("2.4.1", units=efs.all_file_systems)
def test_2_4_1_efs_encrypted(fs):
    evidence("elasticfilesystem:DescribeFileSystems", FileSystemId=fs.id, Encrypted=fs.encrypted)
    assert fs.encrypted, f"EFS file system {fs.name} ({fs.id}) is not encrypted at rest"
