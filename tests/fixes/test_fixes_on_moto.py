"""Issue 20's proof: on the demo estate (moto, 127.0.0.1), every fix that runs as shown is
applied with the aws CLI, one batch per account, from the --cis-fixes script; then:

* each unit whose fix ran now passes;
* no unit that passed before fails;
* what the fixes were not about is unchanged: the password policy's other settings, the
  bucket policies' other statements, the trails' other selectors, the security groups'
  other rules, the network ACLs' other entries.

One audit before and one after, per benchmark version (v2.0.0, and v7.0.0 for the checks it
adds). Where moto cannot carry a command out, MOTO_CANNOT names it and says why, and the
test checks that exactly those fail.
"""
from __future__ import annotations

import csv
import json
import urllib.request

import pytest

from pytest_cis_aws import fixes, merge
from pytest_cis_aws.demo import gaps
from pytest_cis_aws.finding import fix_from_json
from pytest_cis_aws.demo.clients import SEED_ROLE, EstateClients
from pytest_cis_aws.demo.run import DEMO_REGIONS, seed_demo
from pytest_cis_aws.demo.server import DemoServer
from pytest_cis_aws.rules import resource_policy
from pytest_cis_aws.rules.network import ADMIN_PORTS, ANY_IPV4, ANY_IPV6, CIFS_PORT, covers
from tests.fixes import apply as fix_apply
from tests.fixes import estate_config
from tests.harness import CHECKS_DIR, assert_one_finding_per_resource

FAILING = ("FAIL", "WAIVED", "KNOWN")
# Waived in the first audit (waivers name checks by their v2.0.0 id, whatever the version):
# Block Public Access, whose fix runs as shown.
WAIVED_CHECK = "2.1.4"

# check -> why moto cannot carry its fix out: its commands fail, or the unit stays failing.
MOTO_CANNOT: dict[str, str] = {
    "1.20": "moto has no Access Analyzer; the demo's stand-in (demo/gaps.py) answers ListAnalyzers and "
            "GetAnalyzer only, so CreateAnalyzer is refused",
    "org-centralized-root": "moto's Organizations does not know iam.amazonaws.com as a service principal, and "
                            "moto's IAM lacks EnableOrganizationsRootCredentialsManagement and "
                            "EnableOrganizationsRootSessions (its server answers 500)",
}


def _reset(server: DemoServer) -> None:
    """The server runs in this process, on moto's shared backends: empty them, and the demo's
    own stand-ins, so each version's estate is seeded from nothing and leaves nothing behind."""
    from moto.organizations.models import organizations_backends

    urllib.request.urlopen(urllib.request.Request(f"{server.url}/moto-api/reset", method="POST"), timeout=30)
    gaps.reset()
    organizations_backends.master_accounts.clear()


@pytest.fixture
def demo_server(aws_env):
    server = DemoServer().start()
    _reset(server)
    yield server
    _reset(server)
    server.stop()


def audit(pytester, endpoint: str, accounts, benchmark: str, name: str, monkeypatch, *args: str) -> tuple[dict, str]:
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    findings, script = pytester.path / f"{name}.json", pytester.path / f"{name}.sh"
    pytester.runpytest_inprocess(
        str(CHECKS_DIR), "-p", "pytest_cis_aws.entry", "-p", "no:cacheprovider", "--cis-benchmark", benchmark,
        "--aws-accounts", ",".join(accounts), "--aws-regions", ",".join(DEMO_REGIONS), "--aws-role-name", SEED_ROLE,
        "--cis-json", str(findings), "--cis-fixes", str(script), *args,
    )
    document = json.loads(findings.read_text())
    assert_one_finding_per_resource(document["findings"])
    return document, script.read_text()


def key(finding: dict) -> tuple:
    return finding["control"], finding["account"], finding["region"], finding["resource"]


def prove(pytester, monkeypatch, server, benchmark: str) -> tuple[dict, dict]:
    accounts = seed_demo(EstateClients(server.url), None, DEMO_REGIONS, benchmark)
    # One control's failures waived: an accepted failure still carries its fix, and the script runs it.
    waivers = pytester.path / "waivers.yaml"
    waivers.write_text(f"waivers:\n  - control: '{WAIVED_CHECK}'\n"
                       "    reason: accepted for the test\n    owner: tests\n    expires: 2099-12-31\n")
    out = pytester.path
    before_doc, script = audit(pytester, server.url, accounts, benchmark, "before", monkeypatch,
                               "--cis-waivers", str(waivers), "--cis-csv", str(out / "before.csv"),
                               "--cis-ocsf", str(out / "before.ocsf"), "--cis-asff", str(out / "before.asff"))
    before = {key(f): f for f in before_doc["findings"]}
    assert any(f["status"] == "WAIVED" for f in before.values())
    assert_every_output_carries_the_fixes(before_doc, out)
    # cis-merge writes the same script from the findings file alone.
    assert merge.main([str(out / "before.json"), "--cis-json", str(out / "merged.json"),
                       "--cis-fixes", str(out / "merged.sh")]) == 1
    assert (out / "merged.sh").read_text() == script
    config_before = estate_config.read(server.url, accounts, DEMO_REGIONS)

    # Every failing unit carries a fix, or an honest null.
    for finding in before.values():
        if finding["status"] in FAILING:
            fix = finding.get("fix")
            assert fix and ("why" in fix if fix["command"] is None else isinstance(fix["placeholders"], list)), finding
            assert fix["command"] is None or " get-" not in fix["command"] and " describe-" not in fix["command"], fix

    credentials = pytester.path / "credentials"
    fix_apply.write_profiles(credentials, server.url, accounts)
    with monkeypatch.context() as env:
        applied = fix_apply.apply(script, server.url, credentials, env)
    after_doc, _ = audit(pytester, server.url, accounts, benchmark, "after", monkeypatch)
    after = {key(f): f for f in after_doc["findings"]}
    config_after = estate_config.read(server.url, accounts, DEMO_REGIONS)

    ran = [f for f in before.values() if f["status"] in FAILING and f["fix"]["command"] and not f["fix"]["placeholders"]]
    assert ran, "the demo has fixes that run as shown"
    by_command = {}
    for f in ran:
        by_command.setdefault(f["fix"]["command"], set()).add(f["check"].split("+")[0])
    refused = [r for r in applied.failed() if not any(
        r[1] in line and checks <= set(MOTO_CANNOT) for line, checks in by_command.items())]
    assert not refused, "commands the aws CLI refused:\n" + "\n".join(map(str, refused))
    # A unit the fix took out of the control's scope is fixed too: 1.14 audits active keys only.
    still = {k: after[k]["message"] for k in map(key, ran) if k in after and after[k]["status"] != "PASS"}
    named = {k: m for k, m in still.items() if before[k]["check"].split("+")[0] in MOTO_CANNOT}
    assert still == named, f"units whose fix ran and that still fail: {still}"
    # MOTO_CANNOT stays true: a check named there whose fix ran still cannot be carried out.
    for check in {f["check"].split("+")[0] for f in ran} & set(MOTO_CANNOT):
        assert any(before[k]["check"].split("+")[0] == check for k in named), f"moto now carries out {check}'s fix"
    regressed = {k: after[k]["message"] for k, f in before.items()
                 if f["status"] == "PASS" and k in after and after[k]["status"] != "PASS"}
    assert not regressed, f"units that passed before and do not now: {regressed}"
    assert_nothing_else_changed(config_before, config_after, ran)
    return before, after


def assert_every_output_carries_the_fixes(document: dict, out) -> None:
    failing = [f for f in document["findings"] if f["status"] in FAILING]
    rows = {r["test_id"]: r for r in csv.DictReader((out / "before.csv").open(encoding="utf-8"))}
    ocsf = [json.loads(line).get("remediation", {}).get("desc", "") for line in (out / "before.ocsf").open()]
    asff = [a.get("Remediation", {}).get("Recommendation", {}).get("Text", "")
            for a in json.loads((out / "before.asff").read_text())]
    for finding in failing:
        fix = finding["fix"]
        row = rows[finding["test_id"]]
        if fix["command"] is None:
            assert row["fix"] == "No command: " + fix["why"] and row["fix_placeholders"] == ""
        else:
            assert row["fix"].lstrip("'") == fix["command"] and row["fix_placeholders"].split() == fix["placeholders"]
    shown = fixes.text(fix_from_json(failing[0]["fix"]))
    assert any(shown[:200] in text for text in ocsf) and any(shown[:200] in text for text in asff)


def _fixed(ran, check: str) -> set[tuple]:
    return {(f["account"], f["resource"]) for f in ran if f["check"].split("+")[0] == check}


def assert_nothing_else_changed(old: dict, new: dict, ran: list[dict]) -> None:
    # The password policy: only the two settings CIS asks for may change, and only upwards.
    for account, policy in old["password"].items():
        raised = ("MinimumPasswordLength", "PasswordReusePrevention")
        now = new["password"][account]
        if policy is None:
            continue
        assert {k: v for k, v in now.items() if k not in raised} == {k: v for k, v in policy.items() if k not in raised}
        assert all(now.get(k, 0) >= policy.get(k, 0) for k in raised)
    # Bucket policies: every statement kept, apart from statements open to everyone where a
    # fix about public access ran.
    public_fixed = {r.rsplit(":", 1)[-1] for _, r in _fixed(ran, "3.3") | _fixed(ran, "no-public-resource-policies")}
    for (account, bucket), statements in old["policies"].items():
        kept = [s for s in statements if bucket not in public_fixed or not
                resource_policy.public_statements({"Statement": [json.loads(s)]})]
        assert set(kept) <= set(new["policies"][(account, bucket)]), (account, bucket)
    # Trails: every selector kept.
    for trail, selectors in old["selectors"].items():
        assert set(selectors) <= set(new["selectors"][trail]), trail
    # Security groups: every rule kept, apart from a default group 5.4 closed, and internet
    # ranges opening an admin (or CIFS) port where 5.2, 5.3 or the CIFS check fixed the group.
    closed = {r.rsplit("/", 1)[-1] for _, r in _fixed(ran, "5.4")}
    opened = {r.rsplit("/", 1)[-1] for c in ("5.2", "5.3", "cifs-port-restricted") for _, r in _fixed(ran, c)}
    for (account, region, group), pairs in old["permissions"].items():
        if group in closed:
            continue
        revocable = {p for p in pairs if group in opened and _opens_admin_or_cifs(p)}
        assert pairs - revocable <= new["permissions"][(account, region, group)], (account, region, group)
    # Network ACLs: every entry kept (5.1 only adds Deny entries).
    for acl, entries in old["acl_entries"].items():
        assert set(entries) <= set(new["acl_entries"][acl]), acl


def _opens_admin_or_cifs(pair: tuple) -> bool:
    direction, protocol, low, high, source = pair
    return (direction == "in" and source in (ANY_IPV4, ANY_IPV6) and protocol in ("tcp", "udp", "-1", "6", "17")
            and any(covers(low, high, port) for port in (*ADMIN_PORTS, CIFS_PORT)))


def test_fixes_fix_their_units_and_nothing_else_under_v2(pytester, monkeypatch, demo_server):
    before, after = prove(pytester, monkeypatch, demo_server, "2.0.0")
    fixed = {k[0] for k, f in before.items() if f["status"] == "FAIL" and k in after and after[k]["status"] == "PASS"}
    # The fixes built from the evidence are among those proven here.
    assert {"1.8", "1.9", "2.1.1", "3.10", "3.11", "5.1", "5.2", "5.4"} <= fixed


def test_fixes_fix_their_units_and_nothing_else_under_v7(pytester, monkeypatch, demo_server):
    before, after = prove(pytester, monkeypatch, demo_server, "7.0.0")
    fixed = {f["check"].split("+")[0] for k, f in before.items() if f["status"] == "FAIL" and k in after and after[k]["status"] == "PASS"}
    assert {"no-public-resource-policies"} <= fixed
