"""``--cis-root-use-days`` (issue 19, defect 3): a window of no days made the root-use control
pass in every account. Refused at configure; the help names the control by what it checks,
since its id differs between benchmark versions (1.7, 1.6, 2.7)."""
from __future__ import annotations

import pytest

from tests.harness import CHECKS_DIR


@pytest.mark.parametrize("days", ["-5", "0"])
def test_a_window_of_no_days_is_refused(aws_env, pytester, days):
    result = pytester.runpytest_inprocess(str(CHECKS_DIR), "--aws-demo", "-p", "pytest_cis_aws.entry",
                                          "-p", "no:cacheprovider", "--cis-root-use-days", days)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.stderr.lines if line.strip()] == ["ERROR: --cis-root-use-days must be at least 1"]


def test_the_help_names_the_control_by_what_it_checks(aws_env, pytester):
    result = pytester.runpytest_inprocess("-p", "pytest_cis_aws.entry", "--help")
    text = " ".join(result.stdout.str().split())  # help lines are wrapped
    start = text.index("--cis-root-use-days=DAYS")
    help_text = text[start:start + 300]
    assert "the control on daily use of the root user" in help_text
    assert "control 1.7" not in help_text and "1.7" not in help_text
