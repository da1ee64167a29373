"""A custom control's reads: AccessDenied is an ERROR naming the action (caught by the test
or not), and a write is refused before anything is sent."""
from __future__ import annotations

import textwrap

from tests.custom.estate import audit_examples, seed
from tests.harness import A, B
from tests.refusals import Refuse


def denied(action: str, account: str, region: str) -> str:
    return (f"{action} failed in account {account}, region {region}: AccessDenied (not authorized to perform "
            f"{action}); grant {action} to the audit role")


def test_access_denied_reads_are_errors_naming_the_action(audit, moto):
    seed(moto)
    run = audit_examples(audit, plugins=[
        Refuse(A, ("s3", "GetBucketTagging")),  # read in the test body, per bucket
        Refuse(B, ("iam", "ListAccountAliases"), ("s3", "ListBuckets")),  # in the body; the units' listing
    ])
    assert [(f.account, f.status, f.message) for f in run.of("ORG.1")] == [
        (A, "PASS", f"account {A} is team-a-prod"), (B, "ERROR", denied("iam:ListAccountAliases", B, "global"))]
    assert [(f.test_id.split("[")[1], f.status, f.message) for f in run.of("ORG.3")] == [
        (f"{A}-eu-west-1-bucket/a-orphan]", "ERROR", denied("s3:GetBucketTagging", A, "eu-west-1")),
        (f"{A}-us-east-1-bucket/a-owned]", "ERROR", denied("s3:GetBucketTagging", A, "us-east-1")),
        # B's buckets could not be listed: one ERROR for the listing, never "no buckets".
        (f"{B}-global-buckets]", "ERROR", denied("s3:ListAllMyBuckets", B, "global")),
    ]
    assert "ERROR" not in {f.status for f in run.of("ORG.2")}
    # pytest's own outcome agrees: errors, not failures or passes.
    assert run.result.parseoutcomes()["errors"] == 4


MINE = '''
    from pytest_cis_aws.api import AwsError, accounts, buckets, custom_control

    @custom_control("MINE.1", units=accounts, title="Swallows an AWS error and passes", section="Mine")
    def test_mine_1_swallows_and_passes(account, aws):
        try:
            aws.call("iam", "ListAccountAliases")
        except AwsError:
            pass

    @custom_control("MINE.2", units=accounts, title="Swallows an AWS error and fails")
    def test_mine_2_swallows_and_fails(account, aws):
        try:
            aliases = aws.client("iam").list_account_aliases()["AccountAliases"]
        except Exception:
            aliases = []
        assert aliases, "no alias"

    @custom_control("MINE.3", units=buckets, title="Tries to tag a bucket")
    def test_mine_3_writes(bucket, aws):
        aws.client("s3").put_bucket_tagging(Bucket=bucket.name, Tagging={"TagSet": [{"Key": "owner", "Value": "x"}]})

    @custom_control("MINE.4", units=accounts, title="Tries to create a user, and hides the refusal")
    def test_mine_4_writes_and_hides_it(account, aws):
        try:
            aws.call("iam", "CreateUser", UserName="intruder")
        except Exception:
            pass

    @custom_control("MINE.5", units=accounts, manual=True, title="Break-glass drill held this quarter",
                    manual_check="Confirm the last break-glass drill's report is under a quarter old.")
    def test_mine_5_break_glass_drill(account):
        """Only a person can say."""
'''


def test_a_swallowed_error_is_still_an_error_and_writes_are_refused(audit, moto, pytester):
    seed(moto)
    mine = pytester.mkpydir("mine")
    (mine / "test_mine.py").write_text(textwrap.dedent(MINE))
    run = audit_examples(audit, "MINE.*", args=[str(mine)], plugins=[Refuse(B, ("iam", "ListAccountAliases"))])

    alias_denied = denied("iam:ListAccountAliases", B, "global")
    assert [(f.control, f.account, f.status, f.message) for f in run.of("MINE.1") + run.of("MINE.2")] == [
        ("MINE.1", A, "PASS", ""), ("MINE.1", B, "ERROR", alias_denied),
        ("MINE.2", A, "PASS", ""), ("MINE.2", B, "ERROR", alias_denied),
    ]
    refused = ("the control could not be evaluated: ReadOnlyViolation: refused {}: the CIS audit only reads AWS "
               "(Describe/Get/List and GenerateCredentialReport)")
    assert {(f.resource, f.status, f.message) for f in run.of("MINE.3")} == {
        (f"arn:aws:s3:::{name}", "ERROR", refused.format("s3:PutBucketTagging"))
        for name in ("a-orphan", "a-owned", "b-cost-only")}
    assert {(f.account, f.status, f.message) for f in run.of("MINE.4")} == {
        (A, "ERROR", refused.format("iam:CreateUser")), (B, "ERROR", refused.format("iam:CreateUser"))}
    # Nothing reached AWS: the tags and users are as seeded.
    assert moto.client("s3", A).get_bucket_tagging(Bucket="a-owned")["TagSet"] == [{"Key": "owner", "Value": "team-a"}]
    assert [u["UserName"] for u in moto.client("iam", A).list_users()["Users"]] == []
    # A manual control of your own is MANUAL, saying what to check.
    assert {(f.account, f.status, f.message, f.assessment) for f in run.of("MINE.5")} == {
        (account, "MANUAL", "Confirm the last break-glass drill's report is under a quarter old.", "")
        for account in (A, B)}
    assert run.document["aws_calls"]["calls"] == run.document["aws_calls"]["distinct"]
