"""Fixtures for our own tests: an in-process moto estate and the audit that reads it."""
from __future__ import annotations

import datetime as dt
import importlib

import pytest
from moto import mock_aws

# The plugin and what it imports only when auditing (entry.py keeps a plain run light):
# imported once here, not per in-process run. pytester drops modules first imported during a
# run, and a module imported again would hold classes of its own (a ControlSpec that isn't).
import pytest_cis_aws.entry  # noqa: F401
import pytest_cis_aws.audit  # noqa: F401
import pytest_cis_aws.control_selection  # noqa: F401
import pytest_cis_aws.findings_writer  # noqa: F401
import pytest_cis_aws.gathering  # noqa: F401
import pytest_cis_aws.gc_tuning  # noqa: F401
import pytest_cis_aws.handover  # noqa: F401
import pytest_cis_aws.outcome_decisions  # noqa: F401
import pytest_cis_aws.custom.custom_controls  # noqa: F401
import pytest_cis_aws.gating.run_verdict  # noqa: F401
import pytest_cis_aws.report.console  # noqa: F401
import pytest_cis_aws.report.report_writers  # noqa: F401
import pytest_cis_aws.runner  # noqa: F401
from pytest_cis_aws.demo import gaps
from pytest_cis_aws.demo.clients import EstateClients
from tests.harness import run_audit

# Our tests drive the audit in-process with pytester.
pytest_plugins = ["pytester"]


# pytester drops modules first imported during a test; importing moto's backends and
# our plugin up front keeps each in-process audit from re-importing them.
for _service in ("iam", "sts", "ec2", "s3", "s3control", "account", "cloudtrail", "logs", "cloudwatch",
                 "sns", "kms", "rds", "efs", "config", "securityhub", "organizations"):
    importlib.import_module(f"moto.{_service}.models")
    importlib.import_module(f"moto.{_service}.responses")


@pytest.fixture
def aws_env(monkeypatch):
    """Fake credentials and no endpoint: every AWS call stays inside moto."""
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    # In-process audits load only the plugins they name (no hypothesis, benchmark...).
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


@pytest.fixture
def moto(aws_env):
    """An in-process moto estate; ``moto.client(service, account, region)`` seeds it."""
    from moto.organizations.models import organizations_backends

    organizations_backends.master_accounts.clear()  # a demo run in this process (--aws-demo) may have left some
    with mock_aws():
        gaps.reset()
        gaps.install_in_process()  # moto's gaps (Access Analyzer...) answered here too; nothing leaves
        yield EstateClients()
    gaps.uninstall_in_process()
    gaps.reset()
    # moto's reset leaves organization membership behind: a member of an organization that is
    # gone would answer DescribeOrganization with a server error in the next test.
    organizations_backends.master_accounts.clear()


@pytest.fixture
def audit(pytester, moto):
    """Run the real audit over cis_checks/ in-process: ``audit("1.10", accounts=[A])``."""

    def run(*controls, **kwargs):
        return run_audit(pytester, *controls, **kwargs)

    return run


@pytest.fixture
def frozen_clock(monkeypatch):
    """The run's clock fixed at a whole second, so an age seeded at a threshold is exact."""
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    monkeypatch.setattr("pytest_cis_aws.collectors.estate.run_clock", lambda: now)
    return now
