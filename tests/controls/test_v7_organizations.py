"""v7.0.0's 2.1.x, AWS Organizations, on a moto organization with OUs, SCPs, an RCP, a
delegation policy and a delegated administrator: judged from the management account,
NOT_APPLICABLE in member accounts, MANUAL with the facts for the judgement controls."""
from __future__ import annotations

import pytest

from pytest_cis_aws.demo.clients import CALLER_ACCOUNT as M
from pytest_cis_aws.demo.seed.organizations import bare_organization, guarded_organization
from tests.harness import A, B, C
from tests.refusals import Refuse

V7 = ["--cis-benchmark", "7.0.0"]
REGION = "us-east-1"
ALONE = "555555555555"  # in no organization


@pytest.fixture
def organizations(moto):
    main = guarded_organization(moto, M, {A: "Production", B: "Sandbox"}, REGION)
    bare = bare_organization(moto, C)
    return main, bare


def member(org_id: str, account: str) -> tuple[str, str]:
    return ("NOT_APPLICABLE", f"account {account} is a member of organization {org_id}: the organization is judged "
                              f"from its management account {M}")


def test_2_1_1_from_the_management_account_a_member_and_an_account_in_no_organization(audit, organizations):
    main, bare = organizations
    run = audit("2.1.1", accounts=[M, A, C, ALONE], regions=[REGION], args=V7)
    found = {f.account: (f.status, f.message) for f in run.of("2.1.1")}
    assert found == {
        M: ("PASS", f"organization {main} manages root credentials centrally (IAM trusted access; "
                    "features: RootCredentialsManagement, RootSessions)"),
        A: member(main, A),
        C: ("FAIL", f"organization {bare} (management account {C}) does not manage root access centrally: "
                    "IAM has no trusted access (iam.amazonaws.com); RootCredentialsManagement is not enabled"),
        ALONE: ("FAIL", f"account {ALONE} belongs to no AWS organization"),
    }
    management = run.one("2.1.1", account=M)
    assert management.resource == f"arn:aws:organizations::{M}:organization/{main}"
    assert management.test_id.endswith(f"[{M}-global-organization/{main}]")
    assert management.evidence == [
        {"source": "organizations:DescribeOrganization", "fields": {"Id": main, "MasterAccountId": M, "FeatureSet": "ALL"}},
        {"source": "organizations:ListAWSServiceAccessForOrganization",
         "fields": {"EnabledServicePrincipals": ["cloudtrail.amazonaws.com", "guardduty.amazonaws.com", "iam.amazonaws.com"]}},
        {"source": "iam:ListOrganizationsFeatures", "fields": {"EnabledFeatures": ["RootCredentialsManagement", "RootSessions"]}},
    ]
    # A member's finding carries the organization that made it not applicable.
    assert run.one("2.1.1", account=A).evidence == [
        {"source": "organizations:DescribeOrganization", "fields": {"Id": main, "MasterAccountId": M, "FeatureSet": "ALL"}}]
    assert "2 failed, 1 passed, 1 skipped" in run.output  # to pytest, a control that does not apply is a skip
    assert run.document["totals"]["not_applicable"] == 1 and run.document["scores"]["overall"]["percent"] == 33.3
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED  # for the two failures, not the member


def test_2_1_x_facts_on_a_moto_organization(audit, organizations):
    main, _ = organizations
    run = audit("2.1.2", "2.1.3", "2.1.4", "2.1.5", "2.1.6", accounts=[M, A, C], regions=[REGION], args=V7)
    for control in ("2.1.2", "2.1.3", "2.1.4", "2.1.5", "2.1.6"):
        assert (run.one(control, account=A).status, run.one(control, account=A).message) == member(main, A)
        assert run.one(control, account=C).status == "MANUAL"  # the bare organization's own management account
        assert run.one(control, account=M).status == "MANUAL"

    def facts(control):
        finding = run.one(control, account=M)
        return finding.message, {item["source"]: item["fields"] for item in finding.evidence[1:]}

    message, found = facts("2.1.2")
    assert message == (f"review the 2 SCPs and 1 RCP of organization {main} against your documented guardrails; "
                       f"member accounts no policy of yours covers: none (SCPs), {B} (demo-sandbox-{B}) (RCPs)")
    scps = found["organizations:ListTargetsForPolicy"]["SERVICE_CONTROL_POLICY"]
    root = next(s for s in scps if s.startswith("deny-leave-organization")).rsplit("root ", 1)[1]
    assert [s for s in scps if not s.startswith("FullAWSAccess")] == [
        s for s in scps if s.startswith(("deny-leave-organization", "approved-regions"))]
    assert any(s.startswith("approved-regions (p-") and s.endswith(")") and ": OU Root/Production (ou-" in s for s in scps)
    assert any(s.startswith("FullAWSAccess (p-FullAWSAccess, AWS managed): ") for s in scps)
    rcps = found["organizations:ListTargetsForPolicy"]["RESOURCE_CONTROL_POLICY"]
    assert [s.split(":", 1)[1] for s in rcps if s.startswith("enforce-tls")][0].startswith(" OU Root/Production (ou-")
    assert found["organizations:ListAccounts"] == {"member_accounts_no_SCP_of_yours_covers": [],
                                                   "member_accounts_no_RCP_of_yours_covers": [f"{B} (demo-sandbox-{B})"]}

    message, found = facts("2.1.3")
    assert message == (f"confirm that the resources of management account {M} of organization {main} are governance, "
                       "billing or security resources only (EC2 instances: 1, S3 buckets: 2; other resource types: "
                       "Tag Editor or AWS Config)")
    assert found["s3:ListAllMyBuckets"] == {"S3 buckets": [f"marketing-site-{M}", f"org-trail-{M}"]}
    [instance] = found["ec2:DescribeInstances"]["EC2 instances"]
    assert instance.startswith(f"{REGION} i-")

    message, found = facts("2.1.4")
    assert message == (f"confirm that the 3 organizational units of organization {main} separate accounts by "
                       "environment and data sensitivity, not by team")
    tree = found["organizations:ListOrganizationalUnitsForParent"]["ou_tree"]
    assert [line.split(" (", 1)[0] for line in tree] == ["Root", "Root/Production", "Root/Sandbox", "Root/Security"]
    assert tree[0] == f"Root ({root}): {M} (master), 444444444444 (demo-retired)"
    assert tree[1].endswith(f"): {A} (demo-production-{A})") and tree[3].endswith("): no account")

    message, found = facts("2.1.5")
    assert message == (f"confirm that the delegation policy of organization {main} lets a governance member account "
                       f"manage its policies (principals: arn:aws:iam::{A}:root)")
    assert found["organizations:DescribeResourcePolicy"]["statements"][0]["Sid"] == "DelegatePolicyManagement"

    message, found = facts("2.1.6")
    assert message == (f"confirm that each service in use in organization {main} is administered from a member account: "
                       "1 of 3 services have a delegated administrator; none for cloudtrail.amazonaws.com, iam.amazonaws.com")
    assert found["organizations:ListDelegatedAdministrators"] == {"delegated_administrators": {
        "cloudtrail.amazonaws.com": "none: run from the management account",
        "guardduty.amazonaws.com": f"{A} (demo-production-{A})",
        "iam.amazonaws.com": "none: run from the management account"}}
    assert found["cloudtrail:DescribeTrails"] == {"organization_trails": ["organization-trail"]}

    # The bare organization: no delegation policy, nothing delegated, only AWS's own policies.
    bare = run.one("2.1.5", account=C)
    assert bare.message.endswith(f"has no delegation policy, so its policies are managed from the management account {C}: "
                                 "confirm that is intended, or delegate to a governance member account")
    assert run.one("2.1.2", account=C).message.startswith("review the 0 SCPs and 0 RCPs of organization")


def test_2_1_x_facts_that_cannot_be_read_are_an_error(audit, organizations):
    run = audit("2.1.2", "2.1.6", accounts=[M, A], regions=[REGION], args=V7,
                # The caller's own account is read with the base session, which the hook names "base".
                plugins=[Refuse("base", ("organizations", "ListTargetsForPolicy"))])
    finding = run.one("2.1.2", account=M)
    assert finding.status == "ERROR"
    assert finding.message.startswith(f"organizations:ListTargetsForPolicy failed in account {M}, region global: AccessDenied")
    assert run.one("2.1.6", account=M).status == "MANUAL"  # reads nothing that was refused
    assert run.one("2.1.2", account=A).status == "NOT_APPLICABLE"
