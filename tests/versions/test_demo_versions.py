"""The demo estate, under every benchmark version: at least one PASS and one FAIL for every
control the suite evaluates automatically, the facts of every manual control that reads them,
and no ERROR (issue 10, 14: `pytest --aws-demo --cis-benchmark V`).

The estate is the demo's own seeding for that version (``seed_demo``), run in-process, so
each version's audit costs seconds."""
from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from pytest_cis_aws import registry
from pytest_cis_aws.demo.run import DEMO_REGIONS, seed_demo


@pytest.mark.parametrize("version", list(registry.benchmarks()))
def test_every_automated_control_of_every_version_shows_both_outcomes_on_the_demo(audit, moto, version):
    accounts = seed_demo(moto, None, DEMO_REGIONS, version)
    run = audit(accounts=list(accounts), regions=list(DEMO_REGIONS), args=["--cis-benchmark", version])
    statuses: dict[str, Counter] = defaultdict(Counter)
    for finding in run.findings:
        statuses[finding.control][finding.status] += 1
    lacking = {
        control.id: dict(statuses[control.id])
        for control in registry.controls(version)
        if not statuses[control.id]["MANUAL"] and not (statuses[control.id]["PASS"] and statuses[control.id]["FAIL"])
    }
    assert lacking == {}, f"v{version}: controls without both outcomes on the demo: {lacking}"
    errors = [(f.control, f.message) for f in run.findings if f.status == "ERROR"]
    assert errors == [], f"v{version}: the demo has no reason to error"
    if version == "7.0.0":
        v7_controls_on_every_resource_type(run)


def kind_of(finding) -> str:
    """The kind of resource a finding is about: its label's first part ("queue"), or for load
    balancers the kind its message names."""
    label = finding.test_id.rsplit("[", 1)[1].rstrip("]").split(f"{finding.account}-{finding.region}-", 1)[1]
    if label.startswith("load-balancer/"):
        return finding.message.split(" Load Balancer", 1)[0].rsplit(" ", 1)[-1] + " load balancer"
    return label.split("/", 1)[0]


def v7_controls_on_every_resource_type(run):
    """Issue 14: both outcomes for 2.1.1, 2.21, 4.10 and 6.8 on each resource type; the
    facts of 2.1.2-2.1.6 in the management accounts; members not applicable."""
    per_kind: dict[tuple[str, str], set] = defaultdict(set)
    for finding in run.findings:
        if finding.control in ("2.21", "4.10"):
            per_kind[(finding.control, kind_of(finding))].add(finding.status)
    assert {key: statuses for key, statuses in per_kind.items() if statuses != {"PASS", "FAIL"}} == {}
    assert sorted(kind for control, kind in per_kind if control == "2.21") == [
        "bucket", "event-bus", "function", "key", "queue", "secret", "topic", "vault"]
    assert sorted(kind for control, kind in per_kind if control == "4.10") == [
        "Application load balancer", "Network load balancer", "distribution", "http-api-stage", "rest-api-stage"]
    assert {f.status for f in run.of("6.8")} == {"PASS", "FAIL"}
    assert Counter(f.status for f in run.of("2.1.1")) == Counter({"PASS": 1, "FAIL": 1, "NOT_APPLICABLE": 2})
    for control in ("2.1.2", "2.1.3", "2.1.4", "2.1.5", "2.1.6"):
        found = run.of(control)
        assert Counter(f.status for f in found) == Counter({"MANUAL": 2, "NOT_APPLICABLE": 2}), control
        assert all(len(f.evidence) > 1 for f in found if f.status == "MANUAL"), control  # the facts, not only the organization
