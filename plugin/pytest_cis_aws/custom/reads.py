"""The ``aws`` fixture's object: read-only, cached access to one audited account and region.

    def test_org_3_bucket_has_owner_tag(bucket, aws):
        tags = aws.call("s3", "GetBucketTagging", Bucket=bucket.name, absent=("NoSuchTagSet",))
        ec2 = aws.client("ec2")                      # boto3-like: ec2.describe_instances()

Every read goes through the run's cached reader (``plugin/pytest_cis_aws/aws/reader.py``): each distinct
call is made once per run and counted, ``--aws-snapshot-out`` records it and
``--aws-snapshot`` answers it; under xdist a worker's reads are made by the controller
(``remote.py``). An operation that is not a read is refused before anything is sent. An
AWS error is raised as :class:`AwsCallError` and the unit is an ERROR naming the account,
region, action and code, even if the test catches it: pass the error codes that *mean*
"not configured" as ``absent=`` and the call answers None instead.
"""
from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any, Callable, Iterable

import botocore.session
from botocore import xform_name

from ..aws.errors import AwsCallError, ReadOnlyViolation
from ..aws.readonly import check_read_only

# (account, region, service, operation, params) -> the answer; raises AwsCallError.
Ask = Callable[[str, str, str, str, dict], Any]


class ReadOnlyAws:
    """Read-only, cached AWS access for the unit a control is evaluating.

    ``account`` and ``region`` are the unit's (``region`` is ``"global"`` for account-level
    units and global services); ``regions`` are the account's audited regions.
    """

    def __init__(self, ask: Ask, account: str, region: str, regions: Iterable[str] = ()):
        self._ask = ask
        self.account = account
        self.region = region
        self.regions = tuple(regions)
        # Every error a read raised, caught by the test or not: the unit is an ERROR either way.
        self.errors: list[Exception] = []

    def call(self, service: str, operation: str, *, region: str | None = None, absent: Iterable[str] = (),
             **params: Any) -> Any:
        """The answer of ``service``'s ``operation`` (every page at once), or None when AWS
        answers one of the ``absent`` error codes. Raises AwsCallError on any other error."""
        try:
            check_read_only(service, operation)
        except ReadOnlyViolation as refused:
            self.errors.append(refused)
            raise
        where = self.region if region is None else region
        try:
            answer = self._ask(self.account, where, service, operation, params)
        except AwsCallError as error:
            if error.code in set(absent):
                return None
            self.errors.append(error)
            raise
        return copy.deepcopy(answer)  # the cached answer is shared: the test gets its own copy

    def client(self, service: str, region: str | None = None) -> "ReadOnlyClient":
        """A boto3-like client whose methods (``describe_instances(...)``) are :meth:`call`."""
        return ReadOnlyClient(self, service, region)

    def __repr__(self) -> str:
        return f"<aws account {self.account} region {self.region}>"


class ReadOnlyClient:
    """boto3's method names over :meth:`ReadOnlyAws.call`. A listing answers every page at
    once (no paginators); an AWS error is an AwsCallError, not botocore's ClientError."""

    def __init__(self, aws: ReadOnlyAws, service: str, region: str | None):
        self._aws, self._service, self._region = aws, service, region
        self.operations = _operations(service)  # botocore method name -> API operation

    def __getattr__(self, method: str) -> Callable[..., Any]:
        operations = self.__dict__.get("operations") or {}
        if method not in operations:
            raise AttributeError(f"the {self._service} client has no operation {method}")
        aws, service, operation, region = self._aws, self._service, operations[method], self._region
        return lambda **params: aws.call(service, operation, region=region, **params)

    def __repr__(self) -> str:
        return f"<read-only {self._service} client, account {self._aws.account}, region {self._region or self._aws.region}>"


@lru_cache(maxsize=None)
def _operations(service: str) -> dict[str, str]:
    model = _session().get_service_model(service)
    return {xform_name(name): name for name in model.operation_names}


@lru_cache(maxsize=1)
def _session() -> botocore.session.Session:
    return botocore.session.Session()

