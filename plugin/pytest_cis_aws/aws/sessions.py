"""boto3 sessions: the base credentials, and one assumed-role session per audited account."""
from __future__ import annotations

import datetime
import os
import threading
from dataclasses import dataclass
from typing import Callable

import boto3
import botocore.config
import botocore.credentials
import botocore.exceptions
import botocore.session
import dateutil.parser

from . import local_endpoint, partitions
from .pacing import Pacer
from .readonly import check_read_only
from .strict_json import refuse_unreadable_json

# IAM, Organizations, account and other global services are called in the partition's
# home region (partitions.py): us-east-1, us-gov-west-1, cn-north-1.
GLOBAL_REGION = "global"
SESSION_NAME = "cis-aws-pytest-audit"


class AccountUnavailable(Exception):
    """The audit role could not be assumed in an account; the message says why."""


@dataclass(frozen=True)
class Credentials:
    role_name: str
    external_id: str | None
    profile: str | None
    max_attempts: int = 10
    # A region of the partition to audit (the first of --aws-regions); else the profile's.
    region: str | None = None


def now() -> datetime.datetime:
    """The clock credentials' expiry is judged by (a test moves it past their expiry)."""
    return datetime.datetime.now(datetime.timezone.utc)


def endpoint_url() -> str | None:
    """An AWS-compatible endpoint (moto, LocalStack) named by the environment, if any."""
    return os.environ.get("AWS_ENDPOINT_URL") or None


def client_config(service: str, max_attempts: int) -> botocore.config.Config:
    options: dict = {
        # Standard retries for errors other than throttling, which pacing.py handles per
        # operation (adaptive mode would slow the whole client for one operation's limit).
        "retries": {"mode": "standard", "total_max_attempts": max_attempts},
        "max_pool_connections": 32,
        "connect_timeout": 10,
        "read_timeout": 60,
    }
    if endpoint_url():
        # A local endpoint cannot resolve per-bucket host names (``bucket.127.0.0.1``);
        # S3 Control's per-account ones are handled by local_endpoint (see _make_client).
        options["s3"] = {"addressing_style": "path"}
    return botocore.config.Config(**options)


OnCall = Callable[[str, str], None]


class SessionFactory:
    """Hands out clients per (account, region, service), assuming the audit role once per account.

    Every client it creates refuses non-read operations before sending them, and
    reports each operation to ``on_call`` (used to count AWS calls).
    """

    def __init__(
        self,
        credentials: Credentials,
        on_call: OnCall | None = None,
        configure_session: Callable[[boto3.Session, str], None] | None = None,
    ):
        self._credentials = credentials
        self._on_call = on_call
        self._configure_session = configure_session
        self._lock = threading.RLock()
        self._base: boto3.Session | None = None
        self._loader = None  # botocore's model loader, shared by every session we open
        self._caller_account: str | None = None
        self._partition: str | None = None
        self._sessions: dict[str, boto3.Session | AccountUnavailable] = {}
        self._clients: dict[tuple[str, str, str], object] = {}
        self.pacer = Pacer()  # AWS throttles per (account, region, operation): so do we

    # -- base credentials -------------------------------------------------
    def base_session(self) -> boto3.Session:
        with self._lock:
            if self._base is None:
                base = botocore.session.Session()
                self._loader = base.get_component("data_loader")
                self._base = boto3.Session(profile_name=self._credentials.profile, botocore_session=base)
                if self._configure_session:
                    self._configure_session(self._base, "base")
            return self._base

    def caller_account(self) -> str:
        """The account of the base credentials (sts:GetCallerIdentity)."""
        with self._lock:
            if self._caller_account is None:
                sts = self._make_client(self.base_session(), partitions.home_region(self.partition), "sts")
                identity = sts.get_caller_identity()
                self._caller_account = identity["Account"]
                # The caller's ARN says which partition its credentials belong to.
                self._partition = partitions.of_arn(identity.get("Arn", "")) if identity.get("Arn") else self._partition
            return self._caller_account

    @property
    def partition(self) -> str:
        """The partition audited: the caller's (from the region asked for, or the profile's,
        until sts:GetCallerIdentity names it)."""
        with self._lock:
            if self._partition is None:
                region = self._credentials.region or self.base_session().region_name
                self._partition = partitions.of_region(region) if region else partitions.DEFAULT
            return self._partition

    @property
    def home_region(self) -> str:
        """Where the partition's global services (IAM, STS, Organizations) are called."""
        return partitions.home_region(self.partition)

    # -- per account ------------------------------------------------------
    def session(self, account: str) -> boto3.Session:
        with self._lock:
            if account not in self._sessions:
                self._sessions[account] = self._open(account)
            found = self._sessions[account]
        if isinstance(found, AccountUnavailable):
            raise found
        return found

    def _open(self, account: str) -> boto3.Session | AccountUnavailable:
        base = self.base_session()
        if account == self.caller_account():
            return base
        role_arn = f"arn:{self.partition}:iam::{account}:role/{self._credentials.role_name}"
        params = {"RoleArn": role_arn, "RoleSessionName": SESSION_NAME}
        if self._credentials.external_id:
            params["ExternalId"] = self._credentials.external_id
        sts = self._make_client(base, self.home_region, "sts")

        def assume() -> dict:
            """Fresh credentials for the account, in botocore's refresh format."""
            creds = sts.assume_role(**params)["Credentials"]
            return {
                "access_key": creds["AccessKeyId"],
                "secret_key": creds["SecretAccessKey"],
                "token": creds["SessionToken"],
                "expiry_time": creds["Expiration"].isoformat(),
            }

        try:
            first = assume()  # now, so an account we cannot enter is known before any unit
        except botocore.exceptions.ClientError as exc:
            error = exc.response.get("Error", {})
            return AccountUnavailable(
                f"cannot assume {role_arn}: {error.get('Code', 'Error')}"
                f" ({error.get('Message', '')}); the caller needs sts:AssumeRole on it"
            )
        except botocore.exceptions.BotoCoreError as exc:
            return AccountUnavailable(f"cannot assume {role_arn}: {exc}")
        # Assumed-role credentials last an hour (role chaining caps them there): a run that
        # outlives them must not lose its units. botocore refreshes these before they expire
        # (15 minutes ahead, or at once when 10 minutes remain), under a lock, from `assume`.
        botocore_session = self._botocore_session()
        # botocore has no public setter for a credentials object (set_credentials makes static
        # ones); assigning the session's own attribute is how botocore's docs wire these.
        botocore_session._credentials = botocore.credentials.RefreshableCredentials(
            access_key=first["access_key"], secret_key=first["secret_key"], token=first["token"],
            expiry_time=dateutil.parser.isoparse(first["expiry_time"]),
            refresh_using=assume, method="sts-assume-role", time_fetcher=lambda: now(),
        )
        session = boto3.Session(botocore_session=botocore_session)
        if self._configure_session:
            self._configure_session(session, account)
        return session

    def _botocore_session(self) -> botocore.session.Session:
        """A botocore session sharing the base session's loader.

        Each botocore session would otherwise parse every service model again: with
        hundreds of accounts that is most of the suite's own CPU time.
        """
        self.base_session()
        fresh = botocore.session.Session()
        fresh.register_component("data_loader", self._loader)
        return fresh

    def client(self, account: str, region: str, service: str):
        real_region = self.home_region if region == GLOBAL_REGION else region
        key = (account, real_region, service)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self._make_client(self.session(account), real_region, service, account)
            return self._clients[key]

    def _make_client(self, session: boto3.Session, region: str, service: str, account: str | None = None):
        client = session.client(
            service,
            region_name=region,
            config=client_config(service, self._credentials.max_attempts),
        )
        client.meta.events.register("before-call", self._before_call)
        client.meta.events.register("before-parse", refuse_unreadable_json)
        self.pacer.attach(client, account or "caller", region)
        if service == "s3control" and endpoint_url():
            local_endpoint.register(client)  # no <account>.host names on a local endpoint
        return client

    def _before_call(self, model, **_kwargs) -> None:
        service = model.service_model.service_name
        check_read_only(service, model.name)
        if self._on_call:
            self._on_call(service, model.name)
