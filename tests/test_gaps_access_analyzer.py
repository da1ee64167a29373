"""The Access Analyzer filler (moto has no Access Analyzer) and the in-process guard."""
from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_cis_aws.demo import gaps
from pytest_cis_aws.demo.clients import CALLER_ACCOUNT
from pytest_cis_aws.demo.server import DemoServer
from tests.harness import A


def test_list_analyzers_answers_per_account_and_region_in_process(moto):
    gaps.access_analyzer.add(A, "eu-west-1", "org-wide", type="ORGANIZATION")
    gaps.access_analyzer.add(A, "eu-west-1", "paused", status="DISABLED")
    gaps.access_analyzer.add(CALLER_ACCOUNT, "eu-west-1", "someone-else")
    client = moto.client("accessanalyzer", A, "eu-west-1")

    listed = client.list_analyzers()["analyzers"]
    assert [(a["name"], a["type"], a["status"]) for a in listed] == [
        ("org-wide", "ORGANIZATION", "ACTIVE"),
        ("paused", "ACCOUNT", "DISABLED"),
    ]
    assert listed[0]["arn"] == f"arn:aws:access-analyzer:eu-west-1:{A}:analyzer/org-wide"
    assert [a["name"] for a in client.list_analyzers(type="ACCOUNT")["analyzers"]] == ["paused"]
    assert moto.client("accessanalyzer", A, "us-east-1").list_analyzers()["analyzers"] == []
    assert client.get_analyzer(analyzerName="paused")["analyzer"]["status"] == "DISABLED"
    with pytest.raises(ClientError) as missing:
        client.get_analyzer(analyzerName="nope")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_request_nobody_answers_never_leaves_the_machine(moto):
    client = boto3.client("sts", region_name="us-east-1", endpoint_url="https://sts.example.com")
    with pytest.raises(gaps.UnansweredRequest, match="https://sts.example.com/"):
        client.get_caller_identity()
    # A service moto lacks, on its AWS address, is answered locally by moto (404), not sent.
    with pytest.raises(ClientError) as unimplemented:
        moto.client("codeartifact").list_domains()
    assert unimplemented.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_the_demo_server_routes_access_analyzer_to_the_filler(aws_env):
    gaps.reset()
    gaps.access_analyzer.add(CALLER_ACCOUNT, "us-east-1", "account-analyzer")
    server = DemoServer().start()
    try:
        client = boto3.client("accessanalyzer", region_name="us-east-1", endpoint_url=server.url)
        assert [a["name"] for a in client.list_analyzers()["analyzers"]] == ["account-analyzer"]
    finally:
        server.stop()
        gaps.reset()
