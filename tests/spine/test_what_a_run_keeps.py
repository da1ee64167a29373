"""What a run keeps to its end: what a writer still needs, and no more (issue 21, goal 1).

pytest keeps every item and every report until the session ends; at organisation scale that is
hundreds of thousands of each. A control item that has run keeps its identity only; a deciding
report hands its ``cis_*`` properties over to its finding once every plugin has seen them; the
junitxml labels are added only when junitxml is written.
"""
from __future__ import annotations

import pytest

from pytest_cis_aws import outcomes
from pytest_cis_aws.items import ControlItem
from tests.harness import A


class KeepReports:
    """Every report as it is logged (its properties copied then) and as it is at the end."""

    def __init__(self):
        self.logged: list[tuple[str, str, list]] = []
        self.reports: list[pytest.TestReport] = []
        self.items: list[pytest.Item] = []

    def pytest_runtest_logreport(self, report):
        self.logged.append((report.nodeid, report.when, list(report.user_properties)))
        self.reports.append(report)

    def pytest_sessionfinish(self, session):
        self.items = [item for item in session.items if isinstance(item, ControlItem)]


def test_a_deciding_report_hands_its_properties_to_its_finding(audit):
    keep = KeepReports()
    run = audit("1.4", "1.5", plugins=[keep])
    verdicts = {f.test_id: f.status for f in run.findings}
    assert sorted(verdicts.values()) == ["FAIL", "PASS"]

    # Every plugin saw each verdict's properties while its report was logged.
    logged = {nodeid: dict(properties)["cis_status"] for nodeid, _, properties in keep.logged
              if any(name == "cis_status" for name, _ in properties)}
    assert logged == verdicts

    # Kept to the end, the reports carry none (nor the junitxml labels: no --junitxml here);
    # the finding answers for its report, as the terminal summary asks.
    assert [r.user_properties for r in keep.reports if r.user_properties] == []
    found = {r.nodeid: outcomes.finding_of(r).status for r in keep.reports if outcomes.finding_of(r) is not None}
    assert found == verdicts


def test_a_control_item_that_has_run_keeps_its_identity_only(audit):
    keep = KeepReports()
    run = audit("1.5", plugins=[keep])
    (item,) = [i for i in keep.items if A in i.nodeid]
    assert item.nodeid == run.one("1.5", account=A).test_id
    assert item.control.id == "1.5" and item.location[0].endswith("test_iam.py")
    # Its unit, parameters, markers and keywords went once its reports were made.
    assert item.unit is None and item.callspec.params == {}
    assert (tuple(item.own_markers), dict(item.keywords), tuple(item.user_properties)) == ((), {}, ())


def test_junitxml_labels_only_with_junitxml(audit, tmp_path):
    keep = KeepReports()
    audit("1.5", plugins=[keep], args=["--junitxml", str(tmp_path / "junit.xml")])
    teardown = [dict(properties) for nodeid, when, properties in keep.logged if when == "teardown" and A in nodeid]
    assert teardown == [{"control": "1.5", "account": A, "region": "global", "resource": A}]
