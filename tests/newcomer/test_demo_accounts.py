"""``--aws-demo`` with an explicit account list (issue 19, defect 1).

The demo seeds three accounts in three roles; one or two listed accounts used to get two
roles each, and seeding ended in EntityAlreadyExists (INTERNALERROR, exit 3).
"""
from __future__ import annotations

import json

import pytest

from tests.harness import CHECKS_DIR


@pytest.mark.parametrize("accounts", ["111111111111", "222222222222,333333333333", "444444444444"])
def test_demo_audits_exactly_the_listed_accounts(aws_env, pytester, accounts):
    # A process of its own, as the user's: moto's backends are per process, and a second
    # demo in this one would find the first one's roles.
    findings = pytester.path / "findings.json"
    result = pytester.runpytest_subprocess(
        str(CHECKS_DIR), "--aws-demo", "--aws-accounts", accounts, "--cis-controls", "1.17,1.20",
        "-p", "pytest_cis_aws.entry", "-p", "no:cacheprovider", "--cis-json", str(findings), "-q",
    )
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    assert result.ret in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED), result.stdout.str()
    document = json.loads(findings.read_text())
    listed = accounts.split(",")
    assert [a["id"] for a in document["accounts"]] == listed
    assert all(a["integrated"] for a in document["accounts"])
    assert {f["account"] for f in document["findings"]} == set(listed)
