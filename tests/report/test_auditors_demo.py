"""Issue 22 on the demo: OSCAL validated by compliance-trestle, two runs with one change in
between (cis-diff, the history and the trend show exactly that change), owners from resource
tags and from account tags.

One live demo run (moto on 127.0.0.1) records a snapshot; two replays of it, the second with
one AWS answer changed, are the "two runs". Runs are subprocesses: each is a whole pytest run,
as a user starts it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from pytest_cis_aws import diff, identity
from pytest_cis_aws.finding import Finding
from pytest_cis_aws.demo.clients import CALLER_ACCOUNT
from tests.harness import CHECKS_DIR

# The live demo run and its two replays are one module fixture: keep its tests on one xdist worker.
pytestmark = pytest.mark.xdist_group("auditors-demo")

A, B, C = "111111111111", "222222222222", "333333333333"
WAIVERS = """waivers:
  - control: "1.2"
    account: "222222222222"
    reason: "the security contact moves to the new <team> mailbox"
    owner: "secops"
    expires: 2099-12-31
"""
# The one change between the two runs: account A's security contact is gone (control 1.2 fails).
CONTACT_KEY = '["{account}","global","account","GetAlternateContact",{{"AlternateContactType":"SECURITY"}}]'
MARKUP = "<img src=x onerror=alert(1)>"  # in a demo security group's name: text from AWS


def run(out: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    command = [sys.executable, "-m", "pytest", str(CHECKS_DIR), "-p", "no:cacheprovider", "-q", *args]
    return subprocess.run(command, cwd=out, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("auditors")
    (out / "waivers.yaml").write_text(WAIVERS)
    live = run(out, "--aws-demo", "--aws-snapshot-out", "snap.json", "--cis-json", "live.json", "--cis-oscal",
               "live.oscal.json", "--cis-owner-tag", "owner", "--cis-md", "live.md", "--cis-csv", "live.csv",
               "--html", "live.html", "--cis-waivers", "waivers.yaml")
    assert (out / "live.json").exists(), live.stdout + live.stderr
    data = json.loads((out / "snap.json").read_text())
    data["calls"][CONTACT_KEY.format(account=A)] = {"error": {
        **data["calls"][CONTACT_KEY.format(account=B)]["error"], "account": A}}
    (out / "snap2.json").write_text(json.dumps(data))
    for number, snap in ((1, "snap.json"), (2, "snap2.json")):
        owners = ["--cis-owner-tag", "owner"] if number == 1 else []  # the tags replay from the snapshot
        replay = run(out, "--aws-snapshot", snap, "--cis-json", f"f{number}.json", "--cis-history", "history.jsonl",
                     "--cis-oscal", f"o{number}.json", "--html", f"r{number}.html", *owners)
        assert (out / f"f{number}.json").exists(), replay.stdout + replay.stderr
    return out


def validated(path: Path) -> dict:
    """The document, validated with compliance-trestle's OSCAL models."""
    if sys.version_info < (3, 11):
        pytest.skip("compliance-trestle, which validates OSCAL, needs Python 3.11 or later")
    from trestle.oscal import OSCAL_VERSION
    from trestle.oscal.assessment_results import Model

    document = json.loads(path.read_text())
    Model.model_validate(document)
    assert document["assessment-results"]["metadata"]["oscal-version"] == OSCAL_VERSION
    return document["assessment-results"]


def test_oscal_is_valid_and_maps_every_status(runs):
    results = validated(runs / "live.oscal.json")
    findings = json.loads((runs / "live.json").read_text())["findings"]
    result = results["results"][0]
    observations = result["observations"]
    assert len(observations) == len(findings)
    props = {p["name"]: p["value"] for p in results["metadata"]["props"]}
    assert props["tool"] == "pytest-cis-aws" and props["benchmark-version"] == "2.0.0"
    assert "--cis-oscal live.oscal.json" in props["command-line"]
    assert len(result["reviewed-controls"]["control-selections"][0]["include-controls"]) == 64

    status = lambda o: next(p["value"] for p in o["props"] if p["name"] == "status")  # noqa: E731
    methods = {status(o): o["methods"] for o in observations}
    assert methods["MANUAL"] == ["EXAMINE"] and methods["FAIL"] == methods["PASS"] == ["TEST"]
    failing = [o for o in observations if status(o) == "FAIL"]
    assert all(o["relevant-evidence"] and o["subjects"][0]["type"] == "inventory-item" for o in failing)
    assert any(e["props"][0]["value"] == "s3:GetBucketPolicy" for o in failing for e in o["relevant-evidence"])
    assert all(uuid.UUID(o["uuid"]).version == 5 for o in observations)

    # The waived failure: a risk (deviation approved until the waiver's expiry), and its control
    # and account satisfied by that deviation; a failing control and account is not satisfied.
    (risk,) = result["risks"]
    assert risk["status"] == "deviation-approved" and risk["deadline"].startswith("2099-12-31")
    assert r"new \<team\> mailbox" in risk["statement"] and "owned by secops" in risk["statement"]
    by_target = {(f["target"]["target-id"], next(p["value"] for p in f["props"] if p["name"] == "aws-account")): f
                 for f in result["findings"]}
    waived = by_target[("cis-1.2", B)]
    assert waived["target"]["status"]["state"] == "satisfied" and waived["related-risks"] == [{"risk-uuid": risk["uuid"]}]
    failed = by_target[("cis-2.1.1", A)]
    assert failed["target"]["status"] == {"state": "not-satisfied", "reason": "fail"}
    assert "For these resources" in failed["remarks"]
    assert len(by_target) == len({(f["control"], f["account"]) for f in findings
                                  if f["status"] in ("FAIL", "ERROR", "KNOWN", "WAIVED")})
    # Names from AWS are escaped for the Markdown an OSCAL viewer renders.
    text = json.dumps(results)
    assert MARKUP.replace("<", "\\\\<").replace(">", "\\\\>").replace("(", "\\\\(").replace(")", "\\\\)") in text
    assert "<img" not in text.replace("\\\\<img", "")


def test_oscal_uuids_are_stable_between_runs(runs):
    first, second = (validated(runs / f"o{n}.json")["results"][0]["observations"] for n in (1, 2))
    assert [o["uuid"] for o in first] == [o["uuid"] for o in second]
    assert len({o["uuid"] for o in first}) == len(first)


def test_one_change_shows_in_cis_diff_history_and_trend(runs, offline_page, capsys):
    out = runs
    assert diff.main([str(out / "f1.json"), str(out / "f2.json"), "--cis-json", str(out / "d.json"),
                      "--cis-md", str(out / "d.md")]) == 1
    document = json.loads((out / "d.json").read_text())
    (new,) = document["new"]
    assert (new["control"], new["account"], new["resource"], new["status"]) == ("1.2", A, A, "FAIL")
    assert document["fixed"] == document["appeared"] == document["disappeared"] == []
    assert document["per_control"]["1.2"]["new"] == 1 and document["per_account"][A]["new"] == 1
    assert diff.main([str(out / "f2.json"), str(out / "f1.json")]) == 0  # going back fixes it

    history = [json.loads(line) for line in (out / "history.jsonl").read_text().splitlines()]
    assert len(history) == 2 and history[1]["controls"]["1.2"] < history[0]["controls"]["1.2"]
    changed = json.loads((out / "f2.json").read_text())
    unit = next(f for f in changed["findings"] if f["control"] == "1.2" and f["account"] == A)
    assert set(history[1]["failing"]) - set(history[0]["failing"]) == {identity.short_hash(Finding.from_json(unit))}
    assert set(history[0]["failing"]) - set(history[1]["failing"]) == set()
    assert len((out / "history.jsonl").read_text().splitlines()[0]) < 4000  # compact

    page = offline_page.open(out / "r2.html")
    points = page.locator("#cis-trend-overall .cis-trend__point")
    assert points.count() == 2
    assert [float(p) for p in points.evaluate_all("ps => ps.map(p => p.dataset.score)")] == \
        [history[0]["score"], history[1]["score"]]
    change = page.locator("#cis-trend-changes .cis-trend__change")
    assert change.count() == 1
    assert (change.get_attribute("data-new"), change.get_attribute("data-fixed")) == ("1", "0")
    assert page.locator('#cis-trend-accounts [data-account="111111111111"]').get_attribute("data-last") == \
        str(history[1]["accounts"][A])
    assert page.locator("#cis-trend-sections .cis-trend__row").count() == 5
    assert offline_page.page_errors == [] and offline_page.refused == []


def test_owners_from_resource_tags_in_every_output(runs, offline_page):
    document = json.loads((runs / "live.json").read_text())
    owner = {(f["control"], f["account"], f["resource"]): f["owner"] for f in document["findings"]}
    bastion = next(f["resource"] for f in document["findings"] if f["control"] == "5.2" and f["account"] == A
                   and f["status"] == "FAIL" and "bastion-ssh" in f["message"])
    assert owner[("5.2", A, bastion)] == "team-network"  # the security group's own tag
    assert owner[("2.1.1", A, f"arn:aws:s3:::demo-{A}-secure-data")] == "platform-team"
    assert owner[("2.1.1", A, f"arn:aws:s3:::demo-{A}-loose-uploads")] == ""
    assert owner[("1.2", A, A)] == ""  # an account without an owner tag read
    assert document["owners"]["tag"] == "owner"
    assert "Account tags were not read" in document["owners"]["account_tags"]

    # One tag:GetResources per account and region, counted with the run's calls, in the snapshot.
    calls = json.loads((runs / "snap.json").read_text())["calls"]
    listings = [json.loads(key) for key in calls if '"GetResources"' in key]
    regions = {a["id"]: a["regions"] for a in document["accounts"]}
    assert sorted((k[0], k[1]) for k in listings) == sorted((a, r) for a, rs in regions.items() for r in rs)

    replayed = json.loads((runs / "f1.json").read_text())
    assert [f["owner"] for f in replayed["findings"]] == [f["owner"] for f in document["findings"]]
    assert replayed["aws_calls"]["requests"] == 0

    owners_csv = (runs / "live.owners.csv").read_text().splitlines()
    assert owners_csv[0] == "owner,failed,passed,errors,manual,percent"
    assert any(line.startswith("team-network,1,1,") for line in owners_csv)
    assert "| team-network | 1 | 1 | 0 | 0 | 50.0 |" in (runs / "live.md").read_text()
    page = offline_page.open(runs / "live.html")
    assert page.locator('#cis-owners-table tr[data-owner="team-network"]').count() == 1
    page.select_option("#cis-find-owner", label="team-network")
    rows = page.locator("#cis-find-table tbody tr")
    expected = sum(1 for value in owner.values() if value == "team-network")
    assert rows.count() == expected and expected > 0


def test_owners_from_account_tags_and_oscal_under_v7(tmp_path):
    result = run(tmp_path, "--aws-demo", "--cis-benchmark", "7.0.0", "--cis-json", "v7.json", "--cis-oscal",
                 "v7.oscal.json", "--cis-owner-tag", "owner")
    assert (tmp_path / "v7.json").exists(), result.stdout + result.stderr
    validated(tmp_path / "v7.oscal.json")
    document = json.loads((tmp_path / "v7.json").read_text())
    by_account: dict[str, set] = {}
    for finding in document["findings"]:
        if not finding["resource"].startswith("arn:"):  # account-level units: the account's own tag
            by_account.setdefault(finding["account"], set()).add(finding["owner"])
    assert by_account[CALLER_ACCOUNT] == {"platform-team"}  # the management account's tag
    assert by_account[A] == {"team-production"}  # a member's tag, read in the management account
    assert by_account[B] == {""}  # a member without the tag
    assert f"read in the management account {CALLER_ACCOUNT}" in document["owners"]["account_tags"]
