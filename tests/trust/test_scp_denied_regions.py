"""A region an SCP closes to an account is reported once, as not audited; a partial deny is not.

Control Tower's region deny answers every call in a disallowed region with AccessDenied
"... with an explicit deny in a service control policy". :class:`ScpDeny` answers that, in
process, to one account's calls in one region (all of them, or those of some services).
"""
from __future__ import annotations

from botocore.exceptions import ClientError

from bench.seed import Counts, seed_estate
from pytest_cis_aws.aws.errors import iam_action
from tests.harness import A, B
from tests.trust.matrix import unit_key

HOME, CLOSED = "us-east-1", "eu-west-1"
TINY = Counts(users=1, buckets=1, vpcs=0, security_groups=1, instances=1, trails=1)


class ScpDeny:
    def __init__(self, account: str, region: str, services: set[str] | None = None):
        self.account, self.region, self.services = account, region, services  # services None: every call
        self.denied = 0

    def pytest_cis_configure_session(self, session, account):
        if account == self.account:
            session.events.register_last("before-call", self._deny)

    def _deny(self, model, context, **_):
        service = model.service_model.service_name
        if context.get("client_region") != self.region or (self.services and service not in self.services):
            return None
        self.denied += 1
        action = iam_action(service, model.name)
        message = (f"User: arn:aws:sts::{self.account}:assumed-role/OrganizationAccountAccessRole/cis-aws-pytest-audit "
                   f"is not authorized to perform: {action} with an explicit deny in a service control policy")
        code = "UnauthorizedOperation" if service == "ec2" else "AccessDenied"
        raise ClientError({"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": 403}},
                          model.name)


def not_s3(findings):
    """S3 buckets of a closed region may stay per-unit ERRORs (S3 lists them globally)."""
    return [(unit_key(f), f.status, f.message) for f in findings if not f.resource.startswith("arn:aws:s3:::")]


def test_a_region_an_scp_closes_is_skipped_once_not_an_error_per_unit(audit, moto, tmp_path):
    seed_estate(moto, [A, B], [HOME, CLOSED], TINY, workers=1)
    # What the account's audit is without the closed region: what it must be with it.
    baseline = audit(accounts=[A], regions=[HOME])
    scp = ScpDeny(A, CLOSED)
    summary = tmp_path / "summary.md"
    recorded = tmp_path / "run.snapshot.json"
    run = audit(accounts=[A, B], regions=[HOME, CLOSED], plugins=[scp],
                args=["--cis-md", str(summary), "--aws-snapshot-out", str(recorded)])

    assert scp.denied > 0
    accounts = {a["id"]: a for a in run.document["accounts"]}
    assert accounts[A]["regions"] == [HOME]
    reason = accounts[A]["skipped_regions"][CLOSED]
    assert reason.startswith("not audited: every call here (") and "explicit deny in a service control policy" in reason
    assert (accounts[B]["regions"], accounts[B]["skipped_regions"]) == ([CLOSED, HOME], {})
    # Once per account, in the terminal as in the findings file, and no unit of the region.
    assert run.output.count(f"region skipped: {A} {CLOSED}: not audited") == 1
    assert summary.read_text().count(f"- {A} {CLOSED}: not audited: every call here") == 1
    of_a = [f for f in run.findings if f.account == A]
    assert not_s3(of_a) == not_s3(baseline.findings)
    assert [f for f in of_a if f.region == CLOSED and not f.resource.startswith("arn:aws:s3:::")] == []
    # The other account's closed-to-A region is audited as usual.
    assert any(f.account == B and f.region == CLOSED and f.status in ("PASS", "FAIL") for f in run.findings)
    # A replay of the run's snapshot says the same.
    replay = audit(accounts=[A, B], regions=[HOME, CLOSED], args=["--aws-snapshot", str(recorded)])
    assert replay.document["accounts"] == run.document["accounts"]
    assert [(unit_key(f), f.status, f.message) for f in replay.findings] == [
        (unit_key(f), f.status, f.message) for f in run.findings]


def test_a_region_where_only_some_calls_are_denied_keeps_its_errors(audit, moto):
    seed_estate(moto, [A], [HOME, CLOSED], TINY, workers=1)
    scp = ScpDeny(A, CLOSED, services={"ec2"})
    run = audit(accounts=[A], regions=[HOME, CLOSED], plugins=[scp])

    account = run.document["accounts"][0]
    assert (account["regions"], account["skipped_regions"]) == ([CLOSED, HOME], {})
    denied = [f for f in run.findings if f.region == CLOSED and "service control policy" in f.message]
    assert denied and {f.status for f in denied} == {"ERROR"}
    assert all(f"account {A}, region {CLOSED}" in f.message and "ec2:" in f.message for f in denied)
    assert any(f.region == CLOSED and f.status in ("PASS", "FAIL") for f in run.findings)
