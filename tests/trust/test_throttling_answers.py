"""The bench proxy's throttling answers are ones botocore reads as throttling, per protocol.

Each client below sends a real signed request that never leaves the process: a
``before-send`` handler gives it to the proxy's code (bench/throttling.py), which works out
the (account, region, operation) AWS would see and answers that service's throttling error;
botocore parses the answer as it would AWS's. The pacing is tested without a clock of its own.
"""
from __future__ import annotations

import boto3
import botocore.config
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from bench.throttling import Throttle, identify, throttling_answer
from pytest_cis_aws.aws.pacing import FIRST_INTERVAL_S, THROTTLING_CODES, Pacer

CALLER = "123456789012"

CALLS = [  # service, method, params, protocol, the code AWS answers
    ("iam", "get_account_summary", {}, "query", "Throttling"),
    ("sts", "get_caller_identity", {}, "query", "Throttling"),
    ("ec2", "describe_vpcs", {}, "ec2", "RequestLimitExceeded"),
    ("s3", "get_bucket_policy", {"Bucket": "logs"}, "s3", "SlowDown"),
    ("cloudtrail", "describe_trails", {}, "json", "ThrottlingException"),
    ("kms", "list_keys", {}, "json", "ThrottlingException"),
    ("cloudwatch", "describe_alarms", {}, "json", "Throttling"),  # botocore speaks JSON to it, not CBOR
    ("securityhub", "describe_hub", {}, "rest", "ThrottlingException"),
    ("efs", "describe_file_systems", {}, "rest", "ThrottlingException"),
]


class _Body:
    def __init__(self, data: bytes):
        self._data = data

    def read(self, *_):
        data, self._data = self._data, b""
        return data

    def stream(self, **_):
        yield self.read()


@pytest.mark.parametrize("service, method, params, protocol, code", CALLS, ids=[c[0] for c in CALLS])
def test_each_protocol_gets_a_throttling_error_botocore_recognises(service, method, params, protocol, code, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    client = boto3.Session(region_name="eu-west-1").client(
        service, endpoint_url="http://127.0.0.1:9", config=botocore.config.Config(retries={"total_max_attempts": 1}))
    seen = []

    def answer(request, **_):
        headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}  # as http.server has them
        body = request.body.encode() if isinstance(request.body, str) else request.body or b""
        found = identify(request.method, request.url.split("127.0.0.1:9", 1)[1], headers, body, {}, CALLER)
        seen.append(found)
        status, headers, body = throttling_answer(found)
        return AWSResponse(request.url, status, headers, _Body(body))

    client.meta.events.register_first("before-send", answer)
    with pytest.raises(ClientError) as raised:
        getattr(client, method)(**params)
    assert raised.value.response["Error"]["Code"] == code
    assert code in THROTTLING_CODES
    (found,) = seen
    assert (found.account, found.region, found.protocol) == (CALLER, "eu-west-1", protocol)


def test_the_bucket_refills_at_the_rate_after_a_burst_and_refusals_take_no_token(monkeypatch):
    now = [100.0]
    monkeypatch.setattr("bench.throttling.time.monotonic", lambda: now[0])
    throttle = Throttle(2, CALLER)
    request = identify("POST", "/", {"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261206/us-east-1/iam/aws4_request",
                                     "Content-Type": "application/x-www-form-urlencoded"}, b"Action=ListUsers", {}, CALLER)
    assert [throttle.admit(request) for _ in range(3)] == [True, True, False]  # a burst of 2
    now[0] += 0.25
    assert throttle.admit(request) is False  # half a token
    now[0] += 0.25
    assert [throttle.admit(request), throttle.admit(request)] == [True, False]  # 2 per second
    assert throttle.sent[request.key] == 3 and throttle.refused[request.key] == 3


def test_a_throttled_lane_slows_once_per_burst_of_errors_and_speeds_up_on_success(monkeypatch):
    now = [0.0]
    monkeypatch.setattr("pytest_cis_aws.aws.pacing.sleep", lambda seconds: now.__setitem__(0, now[0] + seconds))
    pacer = Pacer(clock=lambda: now[0])
    key = ("a", "r", "iam", "ListUsers")
    assert pacer.wait_turn(key) == 0.0 and pacer.lane(key) is None  # never throttled: unpaced
    for _ in range(5):  # five requests sent together, all refused: one slow-down
        pacer.on_throttled(key, sent_at=0.0)
    assert pacer.lane(key).interval == FIRST_INTERVAL_S
    assert pacer.wait_turn(key) == FIRST_INTERVAL_S  # the next request waits its turn
    pacer.on_throttled(key, sent_at=0.0)  # sent with the burst, answered late: counted already
    assert pacer.lane(key).interval == FIRST_INTERVAL_S
    now[0] = 1.0
    pacer.on_throttled(key, sent_at=1.0)  # sent after the slow-down: slows again
    assert pacer.lane(key).interval == pytest.approx(FIRST_INTERVAL_S * 1.5)
    pacer.on_success(key)
    assert pacer.lane(key).interval == pytest.approx(FIRST_INTERVAL_S * 1.5 * 0.95)
    assert pacer.lane(("a", "r", "iam", "GetUser")) is None  # another operation is not slowed
