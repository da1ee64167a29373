"""A pytest run that audits nothing pays little for the plugin; the demo's moto is an extra."""
from __future__ import annotations

import subprocess
import sys

import pytest

from pytest_cis_aws import benchmarks, entry, registry
from tests.harness import A, CHECKS_DIR

HEAVY = ("boto3", "botocore", "moto", "yaml", "jinja2", "pytest_cis_aws.registry", "pytest_cis_aws.audit", "pytest_cis_aws.report.report_writers")


def test_importing_the_entry_point_imports_nothing_heavy():
    probe = f"import sys, pytest_cis_aws.entry; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_help_lists_every_option_and_version_without_reading_the_registry(pytester: pytest.Pytester, monkeypatch):
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    result = pytester.runpytest_subprocess("--help")  # the entry point, as installed
    for flag in ("--aws-accounts", "--aws-demo", "--aws-snapshot", "--cis-benchmark", "--cis-controls",
                 "--cis-waivers", "--cis-csv", "--cis-asff", "--cis-fail-on"):
        assert flag in result.stdout.str()
    assert ", ".join(benchmarks.VERSIONS) in " ".join(result.stdout.str().split())


def test_the_versions_named_in_help_are_the_registrys():
    assert benchmarks.VERSIONS == tuple(registry.benchmarks())


def test_the_audit_plugin_name_is_the_one_entry_checks():
    from pytest_cis_aws import audit

    assert entry.AUDIT == audit.NAME


def test_demo_without_moto_is_a_usage_error_naming_the_extra(pytester, aws_env, monkeypatch):
    monkeypatch.setitem(sys.modules, "moto", None)  # as if the demo extra were not installed
    result = pytester.runpytest_inprocess(str(CHECKS_DIR), "-p", "pytest_cis_aws.entry", "-p", "no:cacheprovider",
                                          "--aws-demo")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "ERROR: --aws-demo needs the demo extra (moto): pip install 'pytest-cis-aws[demo]'" in result.stderr.lines


BLOCK_DEMO = """
import sys
for name in ("moto", "flask", "werkzeug"):
    sys.modules[name] = None  # as in an environment without the demo extra
import pytest
sys.exit(pytest.main(sys.argv[1:]))
"""


def test_an_audit_needs_no_moto(audit, moto, tmp_path):
    iam = moto.client("iam", A)
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="a-Password-123")
    snapshot = tmp_path / "snapshot.json"
    audit("1.10", accounts=[A], args=[f"--aws-snapshot-out={snapshot}"])
    replayed = subprocess.run(
        [sys.executable, "-c", BLOCK_DEMO, str(CHECKS_DIR), "-p", "pytest_cis_aws.entry", "-p", "no:cacheprovider",
         f"--aws-snapshot={snapshot}", "--aws-accounts", A, "--aws-regions", "us-east-1", "--cis-controls", "1.10",
         "--cis-json", str(tmp_path / "replayed.json")],
        capture_output=True, text=True, timeout=300,
    )
    assert replayed.returncode in (0, 1), replayed.stdout + replayed.stderr
    assert "Resources scanned: 1 " in replayed.stdout, replayed.stdout
    assert "ModuleNotFoundError" not in replayed.stdout + replayed.stderr
