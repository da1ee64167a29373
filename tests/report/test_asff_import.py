"""The README's Security Hub import command, run as written against a moto server on
127.0.0.1: it imports exactly the caller's findings, in batches of 100.

Needs the AWS CLI and jq (the command's own tools); without them the test is skipped,
saying which is missing. The suite itself never imports anything.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import boto3
import pytest

from tests.findings import as_finding
from pytest_cis_aws.registry import by_id
from pytest_cis_aws.report import asff
from pytest_cis_aws.summary import SummaryState
from tests.harness import A, B, REPO
from tests.moto_server import MotoServerProcess

MARK = "<!-- asff-import"
FOR_A, FOR_B = 230, 20


def readme_command() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return text.split(MARK, 1)[1].split("```console\n", 1)[1].split("```", 1)[0]


def estate_findings() -> SummaryState:
    control = by_id()["2.1.4"]
    state = SummaryState("2.0.0", [control])
    state.generated = dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)
    for account, count in ((A, FOR_A), (B, FOR_B)):
        for n in range(count):
            name = f"bucket-{n:03d}"
            state.add(as_finding({"control": "2.1.4", "title": control.title, "level": "1", "section": "2", "check": "2.1.4",
                       "account": account, "region": "us-east-1", "resource": f"arn:aws:s3:::{account}-{name}",
                       "label": f"bucket/{account}-{name}", "status": "FAIL" if n % 2 else "PASS",
                       "message": f"S3 bucket {name} is not fully protected by Block Public Access" if n % 2 else "",
                       "test_id": f"cis_checks/test_storage.py::test_2_1_4_block_public_access"
                                  f"[{account}-us-east-1-bucket/{account}-{name}]"}))
    return state


@pytest.mark.skipif(shutil.which("aws") is None or shutil.which("jq") is None,
                    reason="the README's import command needs the AWS CLI and jq")
def test_readme_import_command_imports_the_callers_findings_in_batches_of_100(tmp_path):
    (tmp_path / "reports").mkdir()
    asff.write(estate_findings(), tmp_path / "reports" / "findings.asff.json")
    server = MotoServerProcess().start()
    try:
        sts = boto3.client("sts", endpoint_url=server.url, region_name="us-east-1",
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{A}:role/SecurityHubImport", RoleSessionName="import")["Credentials"]
        keys = dict(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                    aws_session_token=creds["SessionToken"])
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=keys["aws_access_key_id"], AWS_SECRET_ACCESS_KEY=keys["aws_secret_access_key"],
                   AWS_SESSION_TOKEN=keys["aws_session_token"], AWS_DEFAULT_REGION="us-east-1",
                   AWS_ENDPOINT_URL=server.url, AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
                   AWS_EC2_METADATA_DISABLED="true")
        run = subprocess.run(["bash", "-c", readme_command()], cwd=tmp_path, env=env, capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, run.stderr
        assert run.stdout.split("\n") == ["100\t0", "100\t0", "30\t0", ""]  # (SuccessCount, FailedCount) per batch

        hub = boto3.client("securityhub", endpoint_url=server.url, region_name="us-east-1", **keys)
        imported = [f for page in hub.get_paginator("get_findings").paginate() for f in page["Findings"]]
    finally:
        server.stop()
    written = [f for f in asff.findings(estate_findings()) if f["AwsAccountId"] == A]
    assert len(written) == FOR_A
    assert sorted(f["Id"] for f in imported) == sorted(f["Id"] for f in written)
