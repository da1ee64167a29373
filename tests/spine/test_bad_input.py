"""Bad input stops the run with pytest's usage error and one sentence, never a traceback."""
import pytest

from tests.moto_server import cli_env, run_cli

CASES = {
    "eleven-digit account": (
        ["--aws-accounts", "12345678901"],
        "ERROR: --aws-accounts: '12345678901' is not a 12-digit AWS account id",
    ),
    "unknown region": (
        ["--aws-accounts", "111111111111", "--aws-regions", "us-east-1,mars-north-1"],
        "ERROR: --aws-regions: 'mars-north-1' is not an AWS region known to botocore",
    ),
    "regions of two partitions": (
        ["--aws-accounts", "111111111111", "--aws-regions", "us-east-1,us-gov-west-1,eu-west-1"],
        "ERROR: --aws-regions mixes partitions: us-east-1 (aws), us-gov-west-1 (aws-us-gov); a run audits the "
        "partition of its credentials, so run once per partition",
    ),
    "missing snapshot": (
        ["--aws-snapshot", "/nonexistent/snapshot.json"],
        "ERROR: --aws-snapshot: the file /nonexistent/snapshot.json does not exist",
    ),
    "bad level": (["--cis-level", "3"], "ERROR: --cis-level must be 1 or 2, not '3'"),
    "unknown benchmark": (
        ["--cis-benchmark", "9.9.9"],
        "ERROR: --cis-benchmark '9.9.9' is not a known version; known: 2.0.0, 3.0.0, 4.0.1, 5.0.0, 6.0.0, 7.0.0\n",
    ),
}


@pytest.mark.parametrize("args, message", CASES.values(), ids=CASES.keys())
def test_bad_option_is_a_usage_error(tmp_path, args, message):
    run = run_cli(args, cli_env(endpoint="http://127.0.0.1:9"), tmp_path)
    assert run.returncode == pytest.ExitCode.USAGE_ERROR
    assert message in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


def test_no_credentials_is_a_usage_error(tmp_path):
    env = cli_env(endpoint=None)
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    run = run_cli(["--aws-accounts", "111111111111"], env, tmp_path)
    assert run.returncode == pytest.ExitCode.USAGE_ERROR
    assert "ERROR: no AWS credentials found" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


def test_malformed_aws_config_is_a_usage_error(tmp_path):
    config = tmp_path / "config"
    config.write_text("[profile audit\nregion = us-east-1\n")
    env = cli_env(endpoint="http://127.0.0.1:9", AWS_CONFIG_FILE=str(config))
    run = run_cli(["--aws-accounts", "111111111111", "--aws-profile", "audit"], env, tmp_path)
    assert run.returncode == pytest.ExitCode.USAGE_ERROR
    assert "ERROR: the AWS config file cannot be read" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


def test_snapshot_that_is_not_a_snapshot_is_a_usage_error(tmp_path):
    bogus = tmp_path / "bogus.json"
    bogus.write_text("{not json")
    run = run_cli(["--aws-snapshot", str(bogus)], cli_env(endpoint="http://127.0.0.1:9"), tmp_path)
    assert run.returncode == pytest.ExitCode.USAGE_ERROR
    assert f"ERROR: snapshot file {bogus} is not valid JSON" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout
