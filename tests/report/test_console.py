"""The CI log (issue 11): it ends with the compliance summary, groups failures per control
unless -r is chosen, counts evidence gathering in pytest's closing time, and shows progress."""
from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET

import pytest

from pytest_cis_aws.progress import GatherProgress
from tests.harness import A, B
from tests.report.seed import CONTROLS, seed

CLOSING = re.compile(r"^=* ?\d+ failed, \d+ passed.* in (\d+\.\d+)s", re.M)


def lines_of(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def test_the_log_ends_with_the_compliance_summary_and_groups_failures_per_control(audit, moto):
    seed(moto)
    run = audit(*CONTROLS, accounts=[A, B], args=["--tb=short"])
    out = lines_of(run.output)
    closing = next(n for n, line in enumerate(out) if CLOSING.match(line))
    summary = next(n for n, line in enumerate(out) if "CIS compliance summary" in line)
    assert closing < summary  # pytest's closing line, then the answer
    assert out[summary + 1].startswith("CIS AWS Foundations Benchmark")
    # Nothing after the summary's tables but the calls line and the files written.
    assert out[-2].startswith("AWS calls:") and out[-1].startswith("Files written:")
    assert not any(CLOSING.match(line) or line.startswith(("FAILED", "ERROR")) for line in out[summary:])
    # Failures grouped per control: a count, the accounts, an example each; no one-line-per-test list.
    grouped = out.index(next(line for line in out if "short test summary per control" in line))
    assert out[grouped + 1] == "FAILED 1.4 Ensure no 'root' user account access key exists: 1 in 1 account"
    assert "cis_checks/test_iam.py::test_1_4_" in out[grouped + 2] and out[grouped + 2].endswith(
        f"- the root user of account {A} has an access key")
    assert not any(line.startswith("FAILED ") and "cis_checks/test_" in line for line in out)
    # --tb=short still shows each failure's one-line verdict, not a traceback of our code.
    assert f"the root user of account {A} has an access key" in run.output and "Traceback" not in run.output


def test_dash_rf_lists_every_failing_test_and_junit_keeps_the_verdict(audit, moto, tmp_path):
    seed(moto)
    junit = tmp_path / "junit.xml"
    run = audit(*CONTROLS, accounts=[A, B], args=["-rf", "--junitxml", str(junit)])
    # The one-line verdict is the failure's message in junitxml too (ControlItem.repr_failure).
    failures = {case.get("name"): case.find("failure").get("message")
                for case in ET.parse(junit).getroot().iter("testcase") if case.find("failure") is not None}
    assert failures["test_1_5_root_mfa_enabled[111111111111-global-account]"] == (
        f"AssertionError: the root user of account {A} has no MFA")
    failed = [line for line in lines_of(run.output) if line.startswith("FAILED ") and "cis_checks/test_" in line]
    assert len(failed) == sum(f.status == "FAIL" for f in run.findings) == 3
    assert any("test_1_5_root_mfa_enabled[111111111111-global-account]" in line for line in failed)
    assert "short test summary per control" not in run.output


class SlowSessions:
    """Every AWS session the audit opens costs a little time: evidence gathering is slow."""

    def __init__(self):
        self.slept = 0.0

    @pytest.hookimpl
    def pytest_cis_configure_session(self, session, account):
        time.sleep(0.5)
        self.slept += 0.5


def test_pytests_closing_time_counts_evidence_gathering(audit, moto):
    seed(moto)
    slow = SlowSessions()
    run = audit("1.4", accounts=[A, B], plugins=[slow])
    reported = float(CLOSING.search(run.output).group(1))
    assert slow.slept >= 1.0 and reported >= slow.slept


def test_progress_is_shown_while_gathering_and_quiet_under_dash_qq(audit, moto):
    seed(moto)
    shown = audit("1.4", accounts=[A, B])
    assert re.search(r"^cis: evidence gathered: 1 checks over 2 accounts, \d+ AWS calls in \d+s$", shown.output, re.M)
    quiet = audit("1.4", accounts=[A, B], args=["-q", "-q"])
    assert "cis: evidence" not in quiet.output


class FakeReporter:
    def __init__(self):
        self.lines: list[str] = []
        self.rewritten: list[str] = []

    def write_line(self, line):
        self.lines.append(line)

    def rewrite(self, line, erase=False):
        self.rewritten.append(line)

    def write(self, text):
        self.lines.append(text)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_progress_line_every_ten_seconds_in_ci_and_live_on_a_terminal():
    clock, ci = Clock(), FakeReporter()
    progress = GatherProgress(ci, checks=4, accounts=19, calls=lambda: 120, tty=False, clock=clock)
    clock.now = 5.0
    progress.check_done()
    progress.tick()
    assert ci.lines == []  # not yet: a line every ten seconds
    clock.now = 10.0
    progress.tick()
    assert ci.lines == ["cis: evidence: 1 of 4 checks over 19 accounts, 120 AWS calls, 10s elapsed, about 30s left"]
    clock.now = 12.0
    progress.finish()
    assert ci.lines[-1] == "cis: evidence gathered: 4 checks over 19 accounts, 120 AWS calls in 12s"

    clock, tty = Clock(), FakeReporter()
    progress = GatherProgress(tty, checks=2, accounts=1, calls=lambda: 7, tty=True, clock=clock)
    clock.now = 0.5
    progress.check_done()
    progress.tick()
    assert tty.rewritten == ["cis: evidence: 1 of 2 checks over 1 account, 7 AWS calls, 0s elapsed, about 0s left"]
    assert tty.lines == []  # rewritten in place, not one line each
    progress.finish()
    assert tty.rewritten[-1].startswith("cis: evidence gathered: 2 checks over 1 account") and tty.lines == ["\n"]
