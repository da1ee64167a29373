"""Waivers: matching by each field, expiry, stale and expired listing, malformed files."""
from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from pytest_cis_aws.gating import waivers
from tests.gating.estate import key_message, mfa_message, root_access_key, root_mfa
from tests.harness import A, B

TODAY = dt.date(2026, 11, 26)
BUCKET = "arn:aws:s3:::legacy-logs"


def waiver(**fields) -> waivers.Waiver:
    entry = {"control": "2.1.1", "reason": "accepted", "owner": "platform", "expires": "2026-12-31", **fields}
    return waivers.parse_entry(entry, 1)


def matches(w: waivers.Waiver, control="2.1.1", account=A, region="eu-west-1", resource=BUCKET) -> bool:
    return waivers.first_match([w], TODAY, control, account, region, resource) is w


def test_waiver_matches_control_by_id_and_glob():
    assert matches(waiver(control="2.1.1"))
    assert not matches(waiver(control="2.1.1"), control="2.1.2")
    assert matches(waiver(control="2.1.*"), control="2.1.4")
    assert not matches(waiver(control="2.1.*"), control="2.2.1")


def test_waiver_matches_account_by_id_and_glob():
    assert matches(waiver(account=A))
    assert not matches(waiver(account=A), account=B)
    assert matches(waiver(account="1111*"))
    assert not matches(waiver(account="2222*"))
    assert matches(waiver(account=int(A)))  # an unquoted 12-digit id is still that id


def test_waiver_matches_region_by_glob():
    assert matches(waiver(region="eu-*"))
    assert not matches(waiver(region="eu-*"), region="us-east-1")
    assert matches(waiver(region="global"), region="global")


def test_waiver_matches_resource_by_glob_or_regex():
    assert matches(waiver(resource="arn:aws:s3:::legacy-*"))
    assert not matches(waiver(resource="arn:aws:s3:::legacy-*"), resource="arn:aws:s3:::app-data")
    assert matches(waiver(resource=r"re:arn:aws:s3:::(legacy|old)-.*"))
    # A regex must match the whole ARN, not a part of it.
    assert not matches(waiver(resource="re:arn:aws:s3:::legacy"))


def test_waiver_without_scope_matches_every_account_region_resource():
    assert matches(waiver(), account=B, region="us-east-1", resource="arn:aws:s3:::anything")


def test_waiver_applies_through_its_expiry_day_and_not_after():
    assert matches(waiver(expires=TODAY.isoformat()))
    assert not matches(waiver(expires=(TODAY - dt.timedelta(days=1)).isoformat()))
    assert waiver(expires=(TODAY - dt.timedelta(days=1)).isoformat()).expired(TODAY)
    assert not waiver(expires=TODAY.isoformat()).expired(TODAY)


def test_first_waiver_in_file_order_wins():
    first, second = waiver(owner="first"), waivers.parse_entry(
        {"control": "2.*", "reason": "r", "owner": "second", "expires": "2026-12-31"}, 2)
    assert waivers.first_match([second, first], TODAY, "2.1.1", A, "eu-west-1", BUCKET) is second


def write(tmp_path, text: str):
    path = tmp_path / "waivers.yaml"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize("text, problem", [
    ("waivers: [\n  - control: '1.4'\n", "is not valid YAML at line 2"),
    ("- control: '1.4'\n", "must hold one key, 'waivers', with a list of entries"),
    ("waivers:\n  - control: '1.4'\n    reason: r\n    owner: o\n    expires: 2026-12-31\n    team: x\n",
     "entry 1: unknown key team (allowed: control, reason, owner, expires, account, region, resource, benchmark)"),
    ("waivers:\n  - control: '1.4'\n    reason: r\n    owner: o\n    expires: 2026-12-31\n"
     "  - control: '1.5'\n    reason: r\n    owner: o\n    expires: next spring\n",
     "entry 2: expires 'next spring' is not a date (YYYY-MM-DD)"),
    ("waivers:\n  - control: '1.4'\n    reason: r\n    owner: o\n    expires: 2026-02-30\n",
     "entry 1: expires '2026-02-30' is not a date (YYYY-MM-DD)"),
    ("waivers:\n  - control: '1.4'\n    resource: 're:arn:(unclosed'\n    reason: r\n    owner: o\n    expires: 2026-12-31\n",
     "entry 1: resource 're:arn:(unclosed' is not a valid regular expression (missing ), unterminated subpattern at position 4)"),
    ("waivers:\n  - control: '1.4'\n    owner: o\n    expires: 2026-12-31\n", "entry 1: missing reason"),
    ("waivers:\n  - just a string\n",
     "entry 1: an entry must be a mapping of control, account, region, resource, reason, owner, expires"),
])
def test_malformed_waiver_file_names_the_entry(tmp_path, text, problem):
    path = write(tmp_path, text)
    with pytest.raises(waivers.WaiverFileError) as raised:
        waivers.load(path)
    separator = ", " if problem.startswith("entry") else " "
    assert str(raised.value) == f"--cis-waivers: {path}{separator}{problem}"


def test_malformed_waiver_file_is_a_usage_error(audit, tmp_path):
    path = write(tmp_path, "waivers:\n  - control: '1.4'\n    reason: r\n    owner: o\n    expires: soon\n")
    run = audit("1.4", accounts=[A], args=["--cis-waivers", str(path)])
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"--cis-waivers: {path}, entry 1: expires 'soon' is not a date (YYYY-MM-DD)" in run.result.stderr.str()


def test_waived_failure_is_a_nonstrict_xfail_and_unused_waivers_are_listed(audit, moto, tmp_path):
    root_access_key(moto, A)  # 1.4 fails in A: waived
    root_mfa(moto, B)  # 1.5 passes in B although a waiver covers it; fails in A, unwaived
    today = dt.date.today()
    path = write(tmp_path, f"""\
        waivers:
          - control: "1.4"
            account: "{A}"
            reason: root key held for the legacy billing export
            owner: finance-platform
            expires: {today.isoformat()}
          - control: "1.5"
            account: "{B}"
            reason: hardware token on order
            owner: security
            expires: {today.isoformat()}
          - control: "1.*"
            account: "{B}"
            reason: nothing fails here
            owner: nobody
            expires: 2099-01-01
          - control: "1.*"
            reason: an old exception
            owner: someone
            expires: {(today - dt.timedelta(days=1)).isoformat()}
          - control: "2.*"
            reason: storage is not audited in this run
            owner: storage-team
            expires: 2099-01-01
        """)
    run = audit(accounts=[A, B], args=["--cis-controls", "1.4,1.5", "--cis-waivers", str(path), "-rxX"])

    waived = run.one("1.4", account=A)
    assert (waived.status, waived.message) == ("WAIVED", key_message(A))
    assert waived.waiver == {"id": "#1", "reason": "root key held for the legacy billing export",
                             "owner": "finance-platform", "expires": today.isoformat()}
    # A waiver over a passing resource changes nothing: non-strict, no XPASS.
    assert (run.one("1.5", account=B).status, run.one("1.5", account=B).waiver) == ("PASS", None)
    assert (run.one("1.5", account=A).status, run.one("1.5", account=A).message) == ("FAIL", mfa_message(A))

    run.result.assert_outcomes(passed=2, failed=1, xfailed=1)
    # pytest's own short summary (-rx) shows the waiver, as it shows an xfail's reason.
    summary = [line for line in run.output.splitlines() if line.startswith("WAIVED ")]
    assert len(summary) == 1 and summary[0].endswith(
        f"test_iam.py::test_1_4_no_root_access_key[{A}-global-account] - "
        f"WAIVED by waiver #1 (owner finance-platform, expires {today}): root key held for the legacy billing export"
    )
    gating = run.document["gating"]
    assert gating["waivers_matched"] == ["#1"]
    assert [w["id"] for w in gating["waivers_expired"]] == ["#4"]
    # #2 and #3 matched nothing; #5 is for controls this run did not select.
    assert [w["id"] for w in gating["waivers_stale"]] == ["#2", "#3"]
    assert run.document["totals"]["waived"] == 1 and run.document["totals"]["failed"] == 1
    assert f"  waiver expired, no longer applied: #4 control 1.* account * region * resource * " \
           f"(owner someone, expires {today - dt.timedelta(days=1)})" in run.output
    assert f"  waiver stale, matched no failure: #3 control 1.* account {B} region * resource * " \
           f"(owner nobody, expires 2099-01-01)" in run.output
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED  # 1.5 in A still fails
