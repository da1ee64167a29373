"""Section 1: Identity and Access Management.

Ages (45, 90 days) are measured from the run's clock (``inv.now``, recorded in the
snapshot) carried on each unit's evidence, never from the wall clock here, so a
replayed snapshot gives the same verdicts. ``plugin/pytest_cis_aws/rules/ages.py`` compares each one
the way the benchmark words it.

PYTEST_DONT_REWRITE: a control's verdict is its own message, so pytest's assertion
introspection (costly at organisation scale, and noise in a finding) is left out.
"""
from pytest_cis_aws.controls import audit_options, changed, control, evidence, manual, passed_because
from pytest_cis_aws.collectors import accessanalyzer, account_contacts, iam, instances, resource_policies
from pytest_cis_aws.rules import ages, iam_policy, resource_policy

MIN_PASSWORD_LENGTH = 14
PASSWORD_REUSE = 24


@control("1.1", units=lambda inv: inv.accounts(), manual=True)
def test_1_1_contact_details_current(account):
    """Manual: the registry's manual_check says what to verify."""


@control("1.2", units=account_contacts.accounts, reads=("security_contact",))
def test_1_2_security_contact_registered(account):
    evidence("account:GetAlternateContact", SecurityContact=(account.security_contact or {}).get("EmailAddress"))
    assert account.security_contact, f"account {account.account} has no security contact registered"


@control("1.3", units=lambda inv: inv.accounts(), manual=True)
def test_1_3_security_questions_registered(account):
    """Manual: the registry's manual_check says what to verify."""


@control("1.4", units=iam.accounts, reads=("summary",))
def test_1_4_no_root_access_key(account):
    evidence("iam:GetAccountSummary", AccountAccessKeysPresent=account.summary_field("AccountAccessKeysPresent"))
    assert account.summary_field("AccountAccessKeysPresent") == 0, (
        f"the root user of account {account.account} has an access key"
    )


@control("1.5", units=iam.accounts, reads=("summary",))
def test_1_5_root_mfa_enabled(account):
    mfa = account.summary_field("AccountMFAEnabled")
    if changed("C4") and mfa != 1:  # v5.0.0 on: a root user without a password passes too
        password = account.summary_field("AccountPasswordPresent")
        evidence("iam:GetAccountSummary", AccountMFAEnabled=mfa, AccountPasswordPresent=password)
        assert password == 0, f"the root user of account {account.account} has a password and no MFA"
        return
    evidence("iam:GetAccountSummary", AccountMFAEnabled=mfa)
    assert mfa == 1, f"the root user of account {account.account} has no MFA"


@control("1.6", units=iam.accounts, reads=("summary", "virtual_mfa"))
def test_1_6_root_hardware_mfa(account):
    if changed("C5") and account.summary_field("AccountPasswordPresent") == 0:  # v5.0.0 on: nobody signs in as root
        evidence("iam:GetAccountSummary", AccountPasswordPresent=0)
        return
    evidence("iam:GetAccountSummary", AccountMFAEnabled=account.summary_field("AccountMFAEnabled"))
    evidence("iam:ListVirtualMFADevices", root_virtual_mfa_device=account.root_virtual_mfa)
    assert account.summary_field("AccountMFAEnabled") == 1, f"the root user of account {account.account} has no MFA"
    assert not account.root_virtual_mfa, (
        f"the root user of account {account.account} uses a virtual MFA device, not a hardware one"
    )


@control("1.7", units=iam.accounts, reads=("root_usage",))
def test_1_7_root_not_used_recently(account):
    window = audit_options().root_use_days
    last = account.root_usage.last_used
    usage = account.root_usage
    evidence("iam:GetCredentialReport", user="<root_account>", password_last_used=usage.password_last_used,
             access_key_last_used=usage.access_key_last_used)
    assert last is None or not ages.used_within(last, account.checked_at, window), (
        f"the root user of account {account.account} was last used on {last:%Y-%m-%d} "
        f"({ages.in_words(account.checked_at - last)} ago, within {window} days)"
    )


@control("1.8", units=iam.accounts, reads=("password_policy",))
def test_1_8_password_min_length_14(account):
    policy = account.password_policy
    evidence("iam:GetAccountPasswordPolicy", MinimumPasswordLength=(policy or {}).get("MinimumPasswordLength"))
    assert policy is not None, f"account {account.account} has no IAM password policy"
    length = policy.get("MinimumPasswordLength", 0)
    assert length >= MIN_PASSWORD_LENGTH, (
        f"the password policy of account {account.account} requires {length} characters, fewer than {MIN_PASSWORD_LENGTH}"
    )


@control("1.9", units=iam.accounts, reads=("password_policy",))
def test_1_9_password_reuse_prevented(account):
    policy = account.password_policy
    evidence("iam:GetAccountPasswordPolicy", PasswordReusePrevention=(policy or {}).get("PasswordReusePrevention"))
    assert policy is not None, f"account {account.account} has no IAM password policy"
    remembered = policy.get("PasswordReusePrevention", 0)
    assert remembered >= PASSWORD_REUSE, (
        f"the password policy of account {account.account} remembers {remembered} previous passwords, "
        f"fewer than {PASSWORD_REUSE}"
    )


@control("1.10", units=iam.console_users, reads=("credentials",))
def test_1_10_mfa_for_console_users(user):
    evidence("iam:GetCredentialReport", user=user.name, password_enabled=user.password_enabled,
             mfa_active=user.mfa_active)
    assert user.mfa_active, f"IAM user {user.name} has a console password and no MFA device"


@control("1.11", units=iam.all_users, reads=("credentials", "access_keys"))
def test_1_11_no_unused_keys_at_setup(user):
    evidence("iam:GetCredentialReport", user=user.name, password_enabled=user.password_enabled,
             active_keys_last_used={k.id: k.last_used for k in user.active_keys})
    unused = " and ".join(user.setup_key_ids)
    assert not unused, f"IAM user {user.name} has a console password and an active access key {unused} never used"


@control("1.12", units=iam.all_users, reads=("credentials", "access_keys"))
def test_1_12_unused_credentials_disabled(user):
    evidence("iam:GetCredentialReport", user=user.name, created=user.created,
             password_last_used=user.password_last_used, active_keys_last_used={k.id: k.last_used for k in user.active_keys})
    unused = "; ".join(c.description for c in iam.stale_credentials(user))
    assert not unused, f"IAM user {user.name} has credentials unused for {ages.UNUSED_DAYS} days or more: {unused}"


@control("1.13", units=iam.all_users, reads=("credentials", "access_keys"))
def test_1_13_one_active_key_per_user(user):
    active = [k.id for k in user.active_keys]
    evidence("iam:ListAccessKeys", user=user.name, active_keys=active)
    assert len(active) <= 1, f"IAM user {user.name} has {len(active)} active access keys: {', '.join(active)}"


@control("1.14", units=iam.active_access_keys)
def test_1_14_access_keys_rotated(key):
    rotated = key.last_rotated
    evidence("iam:ListAccessKeys", user=key.user_name, AccessKeyId=key.key_id, CreateDate=rotated)
    assert rotated is not None, f"access key {key.key_id} of IAM user {key.user_name} has no rotation date"
    assert not ages.rotated_too_long_ago(rotated, key.checked_at), (
        f"access key {key.key_id} of IAM user {key.user_name} was last rotated "
        f"{ages.in_words(key.checked_at - rotated)} ago (more than {ages.KEY_ROTATION_DAYS} days)"
    )


@control("1.15", units=iam.all_users, reads=("attachments",))
def test_1_15_permissions_only_through_groups(user):
    evidence("iam:GetAccountAuthorizationDetails", AttachedManagedPolicies=user.attached_policies,
             UserPolicyList=user.inline_policies)
    direct = [f"{name} (managed)" for name in user.attached_policies] + [
        f"{name} (inline)" for name in user.inline_policies
    ]
    assert not direct, f"IAM user {user.name} has policies attached directly: {', '.join(direct)}"


@control("1.16", units=iam.policies_in_use, reads=("document",))
def test_1_16_no_full_admin_policies_attached(policy):
    granting = iam_policy.full_admin_statements(policy.document)
    evidence("iam:GetAccountAuthorizationDetails", PolicyName=policy.name, DefaultVersionId=policy.default_version,
             Statement=granting)
    assert not granting, (
        f"the attached policy {policy.name} (version {policy.default_version}) allows \"*\" actions on \"*\" resources"
    )


@control("1.17", units=iam.accounts, reads=("support_roles",))
def test_1_17_support_role_exists(account):
    evidence("iam:ListEntitiesForPolicy", PolicyArn=iam.SUPPORT_POLICY, PolicyRoles=account.support_roles)
    assert account.support_roles, (
        f"no IAM role in account {account.account} has the AWSSupportAccess policy attached"
    )


@control("1.18", units=instances.all_instances)
def test_1_18_instances_use_iam_roles(instance):
    evidence("ec2:DescribeInstances", InstanceId=instance.id, IamInstanceProfile=instance.instance_profile_arn)
    named = f" ({instance.name})" if instance.name != instance.id else ""
    assert instance.instance_profile_arn, f"EC2 instance {instance.id}{named} has no IAM instance profile"


@control("1.19", units=iam.certificates)
def test_1_19_expired_server_certificates_removed(certificate):
    expires = certificate.expiration
    evidence("iam:ListServerCertificates", ServerCertificateName=certificate.name, Expiration=expires)
    assert expires is None or not ages.expired(expires, certificate.checked_at), (
        f"the IAM server certificate {certificate.name} expired on {expires:%Y-%m-%d}"
    )


@control("1.20", units=accessanalyzer.analyzers_by_region)
def test_1_20_access_analyzer_enabled(region):
    external_only = changed("C6")  # v5.0.0 on: unused-access analyzers do not count

    def counts(analyzer):
        return analyzer.status == "ACTIVE" and (analyzer.external_access or not external_only)

    own = [a for a in region.record if counts(a)]
    evidence("access-analyzer:ListAnalyzers", analyzers=[f"{a.name} ({a.type}, {a.status})" for a in region.record])
    if not own and region.organization_analyzers:
        evidence("access-analyzer:ListAnalyzers", organization_analyzers=[
            f"{a.name} of account {a.owner} ({a.type}, {a.status})" for a in region.organization_analyzers])
    # Without one of its own, an organization analyzer may cover it (collectors/accessanalyzer.py).
    covered = None if own else region.covered_by(counts)
    if covered:
        passed_because(covered)
        return
    if not own and region.unjudged:
        manual(region.unjudged)
    kind = "external-access IAM Access Analyzer" if external_only else "IAM Access Analyzer"
    assert own, f"account {region.account} has no active {kind} in {region.region}"


@control("1.21", units=lambda inv: inv.accounts(), manual=True)
def test_1_21_users_managed_centrally(account):
    """Manual: the registry's manual_check says what to verify."""


@control("1.22", units=iam.accounts, reads=("cloudshell_entities",))
def test_1_22_cloudshell_full_access_restricted(account):
    holders = account.cloudshell_entities
    evidence("iam:ListEntitiesForPolicy", PolicyArn=iam.CLOUDSHELL_POLICY, entities=holders)
    assert not holders, f"AWSCloudShellFullAccess is attached to {', '.join(holders)} in account {account.account}"


@control("no-public-resource-policies", units=resource_policies.all_policy_holders, reads=("policy",))
def test_no_public_resource_policies(holder):
    # One rule for every kind of resource: AWS's meaning of "public" (plugin/pytest_cis_aws/rules/resource_policy.py).
    if holder.policy is None:  # takes a policy but has none: it opens nothing to anyone
        evidence(holder.source, statements=0)
        passed_because(f"{holder.named} has no resource policy")
        return
    public = resource_policy.public_statements(holder.policy)
    evidence(holder.source, statements=len(resource_policy.statements(holder.policy)),
             public_statements=[{"statement": s.statement, "opens": s.opens, "why": s.reason} for s in public])
    assert not public, f"{holder.named} is open to everyone: " + "; ".join(
        f"statement {s.describe()}" for s in public
    )
