"""Demo organizations for v7.0.0's 2.1.x: two management accounts among the audited ones.

* The main organization, managed from the caller's account (moto's default, as under
  ``--aws-accounts all``): IAM trusted access and centralized root access on (2.1.1 passes),
  organizational units by environment, SCPs and an RCP of its own attached to the root and
  to one OU (so one member account is covered by no RCP of its own), a delegation policy,
  GuardDuty administered by a delegated member account and CloudTrail by none (its
  organization trail runs from the management account), and a few resources in the
  management account (2.1.3's facts).
* A second, bare organization managed from another audited account: no trusted access for
  IAM, so 2.1.1 fails there.

The main organization also provides what CIS asks of every member, once (``organization_credit``):
its organization trail logs to a log group of the management account watched by a whole
monitoring chain for 4.1-4.15, and its delegated administrator for Access Analyzer runs an
organization analyzer in the last demo region, so members are credited with both (and a
member's unit in another region is not).

The other audited accounts are members of the main organization: NOT_APPLICABLE for 2.1.x.
moto lacks IAM's ListOrganizationsFeatures and Organizations' DescribeResourcePolicy; the
demo's fillers answer them (``gaps.py``), seeded here.
"""
from __future__ import annotations

import datetime as dt
import json

from botocore.exceptions import ClientError

from .. import gaps
from ..clients import CALLER_ACCOUNT, EstateClients
from .section2 import create_bucket

# The checks these organizations are for: seeded only for versions that have them.
CHECKS = frozenset({"org-centralized-root", "org-guardrails", "org-management-no-workloads", "org-ou-structure",
                    "org-policy-delegation", "org-delegated-admins"})
CLOSED_ACCOUNT = "444444444444"
ROOT_FEATURES = ("RootCredentialsManagement", "RootSessions")
ACCOUNT_OWNERS = ("platform-team", "team-production")  # the management account's, the first member's


def join(clients: EstateClients, management: str, account: str, name: str) -> None:
    """Make ``account`` (the demo's fixed id) a member of ``management``'s organization.

    moto's CreateAccount picks a random id: the created account then takes the demo's id."""
    from moto.organizations.models import organizations_backends

    org = clients.client("organizations", management)
    created = org.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]["AccountId"]
    backend = organizations_backends[management]["aws"]
    next(a for a in backend.accounts if a.id == created).id = account
    organizations_backends.master_accounts[account] = organizations_backends.master_accounts.pop(created)


def enable_trusted_access(clients: EstateClients, management: str, service: str) -> None:
    """Organizations' trusted access for ``service``. moto's list of services that support it
    predates IAM's centralized root access: iam.amazonaws.com is recorded in moto's state."""
    try:
        clients.client("organizations", management).enable_aws_service_access(ServicePrincipal=service)
    except ClientError as error:
        if error.response["Error"]["Code"] != "InvalidInputException":
            raise
        from moto.core.utils import unix_time
        from moto.organizations.models import organizations_backends

        organizations_backends[management]["aws"].services.append({"ServicePrincipal": service, "DateEnabled": unix_time()})


def _policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def guarded_organization(clients: EstateClients, management: str, members: dict[str, str], region: str) -> str:
    """The main organization; ``members``: account -> the OU it goes under ("Production", "Sandbox")."""
    org = clients.client("organizations", management)
    org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root = org.list_roots()["Roots"][0]["Id"]
    units = {name: org.create_organizational_unit(ParentId=root, Name=name)["OrganizationalUnit"]["Id"]
             for name in ("Production", "Sandbox", "Security")}
    for account, unit in members.items():
        join(clients, management, account, f"demo-{unit.lower()}-{account}")
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=units[unit])
    join(clients, management, CLOSED_ACCOUNT, "demo-retired")
    org.close_account(AccountId=CLOSED_ACCOUNT)

    for kind in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"):
        try:
            org.enable_policy_type(RootId=root, PolicyType=kind)
        except ClientError:
            pass  # already enabled
    deny_leave = org.create_policy(Name="deny-leave-organization", Type="SERVICE_CONTROL_POLICY",
                                   Description="members stay in the organization", Content=_policy(
                                       {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}))
    regions = org.create_policy(Name="approved-regions", Type="SERVICE_CONTROL_POLICY",
                                Description="production runs in approved regions only", Content=_policy(
                                    {"Effect": "Deny", "NotAction": ["iam:*", "organizations:*"], "Resource": "*",
                                     "Condition": {"StringNotEquals": {"aws:RequestedRegion": [region]}}}))
    tls = org.create_policy(Name="enforce-tls", Type="RESOURCE_CONTROL_POLICY",
                            Description="resources refuse plain HTTP", Content=_policy(
                                {"Effect": "Deny", "Principal": "*", "Action": ["s3:*", "sqs:*"], "Resource": "*",
                                 "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}}))
    org.attach_policy(PolicyId=deny_leave["Policy"]["PolicySummary"]["Id"], TargetId=root)
    org.attach_policy(PolicyId=regions["Policy"]["PolicySummary"]["Id"], TargetId=units["Production"])
    org.attach_policy(PolicyId=tls["Policy"]["PolicySummary"]["Id"], TargetId=units["Production"])

    for service in ("iam.amazonaws.com", "cloudtrail.amazonaws.com", "guardduty.amazonaws.com"):
        enable_trusted_access(clients, management, service)
    gaps.iam_organizations_features.enable(management, *ROOT_FEATURES)
    security = next(a for a, unit in members.items() if unit == "Production")
    org.register_delegated_administrator(AccountId=security, ServicePrincipal="guardduty.amazonaws.com")
    gaps.organizations_resource_policy.put(management, _policy({
        "Sid": "DelegatePolicyManagement", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{security}:root"},
        "Action": ["organizations:DescribeOrganization", "organizations:ListPolicies", "organizations:CreatePolicy",
                   "organizations:UpdatePolicy", "organizations:AttachPolicy"], "Resource": "*"}))

    # The management account: an organization trail (governance) and two workloads that do not belong there.
    trail_bucket = f"org-trail-{management}"
    create_bucket(clients, management, region, trail_bucket)
    clients.client("cloudtrail", management, region).create_trail(
        Name="organization-trail", S3BucketName=trail_bucket, IsMultiRegionTrail=True, IsOrganizationTrail=True)
    clients.client("ec2", management, region).run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "billing-dashboard"}]}])
    create_bucket(clients, management, region, f"marketing-site-{management}")
    return org_id


def bare_organization(clients: EstateClients, management: str) -> str:
    """An organization with nothing set up: IAM has no trusted access (2.1.1 fails)."""
    return clients.client("organizations", management).create_organization(FeatureSet="ALL")["Organization"]["Id"]


def organization_credit(clients: EstateClients, management: str, administrator: str, regions: tuple[str, ...]) -> None:
    """What the main organization sets up once for every member: its organization trail
    ("organization-trail", created by ``guarded_organization``) logging into a log group of the
    management account with a whole chain for 4.1-4.15, and an organization analyzer of the
    delegated administrator for Access Analyzer in the last region only."""
    from . import section3, section4

    home = regions[0]
    logs = clients.client("logs", management, home)
    logs.create_log_group(logGroupName="organization-trail-logs")
    arn = next(g["arn"] for g in logs.describe_log_groups(logGroupNamePrefix="organization-trail-logs")["logGroups"])
    trail = clients.client("cloudtrail", management, home)
    trail.update_trail(Name="organization-trail", CloudWatchLogsLogGroupArn=arn,
                       CloudWatchLogsRoleArn=section4.LOG_ROLE.format(account=management))
    trail.put_event_selectors(TrailName="organization-trail",
                              EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}])
    trail.start_logging(Name="organization-trail")
    section3.set_cloudwatch_delivery(management, home, "organization-trail", dt.datetime.now(dt.timezone.utc))
    section4.whole_chains(clients, management, home, "organization-trail-logs", section4.MONITORED,
                          section4.topic(clients, management, home, "organization-alarms"))

    enable_trusted_access(clients, management, "access-analyzer.amazonaws.com")
    clients.client("organizations", management).register_delegated_administrator(
        AccountId=administrator, ServicePrincipal="access-analyzer.amazonaws.com")
    gaps.access_analyzer.add(administrator, regions[-1], "organization-external-access", type="ORGANIZATION")


def seed(clients: EstateClients, accounts: tuple[str, ...], regions: tuple[str, ...]) -> tuple[str, ...]:
    """The two organizations over the demo's accounts; returns the accounts to audit (the
    main organization's management account first, then ``accounts``)."""
    first, second = accounts[0], accounts[1 % len(accounts)]
    bare = accounts[-1] if len(accounts) > 2 else None
    members = {first: "Production", second: "Sandbox"}
    guarded_organization(clients, CALLER_ACCOUNT, members, regions[0])
    organization_credit(clients, CALLER_ACCOUNT, first, regions)
    # Account tags for --cis-owner-tag owner, kept by Organizations in the management account.
    org = clients.client("organizations", CALLER_ACCOUNT)
    for account, owner in ((CALLER_ACCOUNT, ACCOUNT_OWNERS[0]), (first, ACCOUNT_OWNERS[1])):
        org.tag_resource(ResourceId=account, Tags=[{"Key": "owner", "Value": owner}])
    if bare is not None and bare not in members:
        bare_organization(clients, bare)
    return (CALLER_ACCOUNT, *accounts)
