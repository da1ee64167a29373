"""The demo estate, under every benchmark version: at least one PASS and one FAIL for every
control the suite evaluates automatically (issue 10: `pytest --aws-demo --cis-benchmark V`).

The estate is the demo's own seeding, run in-process, so each version's audit costs seconds."""
from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from plugin import registry
from plugin.demo.run import DEMO_ACCOUNTS, DEMO_REGIONS
from plugin.demo.seed import seed_all


@pytest.fixture
def demo_estate(moto):
    seed_all(moto, DEMO_ACCOUNTS, DEMO_REGIONS)
    return moto


def test_every_automated_control_of_every_version_shows_both_outcomes_on_the_demo(audit, demo_estate):
    for version in registry.benchmarks():
        run = audit(accounts=list(DEMO_ACCOUNTS), regions=list(DEMO_REGIONS), args=["--cis-benchmark", version])
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
