"""One estate audited under several benchmark versions: the same check gives the same verdict
whatever the version calls it; snapshots, baselines, waivers and selection cross versions."""
from __future__ import annotations

import json

import pytest

from pytest_cis_aws import registry
from pytest_cis_aws.demo.seed import seed_all
from tests.harness import A, B, C

ACCOUNTS, REGIONS = (A, B, C), ("us-east-1", "eu-west-1")


def unit_of(finding) -> str:
    return finding.test_id.split("[", 1)[1][:-1]


def by_check(run) -> dict[tuple[str, str], tuple[str, str]]:
    return {(f.check, unit_of(f)): (f.status, f.message) for f in run.findings}


@pytest.fixture
def estate(moto):
    """The demo's estate, seeded in-process, with an Aurora cluster member (its DB cluster is
    read only by v4.0.1's Multi-AZ check, which v2.0.0 lacks)."""
    seed_all(moto, ACCOUNTS, REGIONS)
    rds = moto.client("rds", A)
    rds.create_db_cluster(DBClusterIdentifier="ledger", Engine="aurora-postgresql", MasterUsername="admin",
                          MasterUserPassword="password-123")
    rds.create_db_instance(DBInstanceIdentifier="ledger-1", DBClusterIdentifier="ledger",
                           Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
    return moto


def audit_as(audit, version, *args, controls=()):
    return audit(*controls, accounts=list(ACCOUNTS), regions=list(REGIONS),
                 args=["--cis-benchmark", version, *args])


def test_same_checks_same_verdicts_only_the_ids_differ(audit, estate):
    old, new = audit_as(audit, "2.0.0"), audit_as(audit, "3.0.0")
    same = {c.check: c for c in registry.controls("3.0.0") if not c.changed}
    ids = {c.check: c.id for c in registry.controls("2.0.0")}
    old_verdicts = by_check(old)
    compared = 0
    for finding in new.findings:
        assert finding.check in same
        assert finding.control == same[finding.check].id
        assert old_verdicts[(finding.check, unit_of(finding))] == (finding.status, finding.message), finding
        compared += 1
    assert compared == len(old.findings) - len(old.of("3.3")) - len(old.of("3.4"))  # v3.0.0 dropped 3.3 and 3.4
    # the ids differ where v3.0.0 renumbered: v2.0.0's 3.5 is v3.0.0's 3.3, in the test ids too
    config = new.of("3.3")
    assert config and all(f.check == "3.5" and "::test_3_3_config_recording[" in f.test_id for f in config)
    assert {f.status for f in old.of("3.5")} == {f.status for f in config}
    assert ids["3.5"] == "3.5"


def test_a_v2_snapshot_replays_under_v5(audit, estate, tmp_path):
    snapshot = tmp_path / "v2.snapshot.json"
    recorded = audit_as(audit, "2.0.0", f"--aws-snapshot-out={snapshot}")
    replayed = audit_as(audit, "5.0.0", f"--aws-snapshot={snapshot}")

    assert replayed.document["aws_calls"]["calls"] == 0
    old = by_check(recorded)
    v5 = {c.id: c for c in registry.controls("5.0.0")}
    errors = [f for f in replayed.findings if f.status == "ERROR"]
    # what the v2.0.0 run read is all here: every unchanged check gives its old verdict
    for finding in replayed.findings:
        if not v5[finding.control].changed and (finding.check, unit_of(finding)) in old:
            assert old[(finding.check, unit_of(finding))] == (finding.status, finding.message)
    # the one read v2.0.0 never made (the Aurora member's DB cluster) is an ERROR naming it
    assert [(f.control, unit_of(f), f.message) for f in errors] == [(
        "2.2.4", f"{A}-us-east-1-db/ledger-1",
        f"rds:DescribeDBClusters failed in account {A}, region us-east-1: NotInSnapshot "
        "(the snapshot holds no response for this call)",
    )]
    multi_az = {unit_of(f): f.status for f in replayed.of("2.2.4")}
    assert multi_az[f"{A}-us-east-1-db/orders-db"] == "PASS"


def test_a_v2_baseline_knows_the_same_checks_under_v5(audit, estate, tmp_path):
    first = audit_as(audit, "2.0.0")
    baseline = tmp_path / "v2-findings.json"
    baseline.write_text(json.dumps(first.document))
    second = audit_as(audit, "5.0.0", f"--cis-baseline={baseline}")

    failing_before = {(f.check, unit_of(f)) for f in first.findings if f.status == "FAIL"}
    changed = {c.id for c in registry.controls("5.0.0") if c.changed}
    for finding in second.findings:
        key = (finding.check, unit_of(finding))
        if finding.status == "KNOWN":
            assert key in failing_before and finding.control not in changed
        elif finding.status == "FAIL":
            # new: a changed rule, a new check, or a unit that passed before
            assert finding.control in changed or finding.check not in {c for c, _ in failing_before} \
                or key not in failing_before
    known = second.of("1.12", status="KNOWN")  # v5.0.0's 1.12 is v2.0.0's 1.13
    assert known and {f.check for f in known} == {"1.13"}
    assert second.of("1.4", status="FAIL")  # 1.5 under rule C4: new, though v2.0.0's 1.5 failed too
    assert first.of("1.5", status="FAIL")
    gating = second.document["gating"]
    assert gating["known"] == sum(1 for f in second.findings if f.status == "KNOWN") > 0
    assert gating["new"] == sum(1 for f in second.findings if f.status == "FAIL")


def test_a_waiver_written_for_v2_applies_to_the_same_check_under_v5(audit, estate, tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        '  - control: "1.13"\n'  # v2.0.0's one-active-key control, which v5.0.0 numbers 1.12
        f'    account: "{B}"\n'
        "    reason: two keys while the CI system migrates\n"
        "    owner: platform\n"
        "    expires: 2099-01-01\n"
        '  - control: "1.12"\n'
        '    benchmark: "5.0.0"\n'  # written for v5.0.0: the same check again
        "    reason: same, v5 numbering\n"
        "    owner: platform\n"
        "    expires: 2099-01-01\n"
    )
    run = audit_as(audit, "5.0.0", f"--cis-waivers={waivers}", controls=("1.11", "1.12"))
    waived = run.of("1.12", status="WAIVED")
    assert waived and all(f.waiver["id"] == "#1" for f in waived if f.account == B)
    assert not run.of("1.11", status="WAIVED")  # v5.0.0's 1.11 is v2.0.0's 1.12: not waived


@pytest.mark.parametrize("version, selection, expected", [
    ("3.0.0", ["--cis-controls", "3.3"], {("3.3", "3.5")}),
    ("3.0.0", ["-k", "test_3_3_"], {("3.3", "3.5")}),
    ("2.0.0", ["--cis-controls", "1.3"], {("1.3", "1.3")}),  # security questions
    ("5.0.0", ["--cis-controls", "1.3"], {("1.3", "1.4")}),  # the root access key
    # an empty estate: only the account-level and regional controls of 2.1* have units
    ("6.0.0", ["--cis-controls", "2.1*,2.20,3.*", "-m", "iam"],
     {("2.1", "1.1"), ("2.16", "1.17"), ("2.19", "1.20+C6"), ("2.20", "1.21")}),
    ("4.0.0", ["-m", "networking and level1", "--cis-controls", "5.1.*"], {("5.1.1", "2.2.1"), ("5.1.2", "cifs-port-restricted")}),
])
def test_selection_by_each_versions_ids_and_sections(audit, moto, version, selection, expected):
    run = audit(accounts=[A], regions=["us-east-1"], args=["--cis-benchmark", version, *selection])
    assert {(f.control, f.check) for f in run.findings} == expected
    assert run.document["benchmark_version"] == registry.resolve(version)
