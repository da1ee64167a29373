"""boto3 clients acting inside any account of a moto estate (server or in-process).

moto keys its state by account: credentials from sts:AssumeRole into account X act
in X. Seeding (the demo) and our tests use this to build multi-account estates.
"""
from __future__ import annotations

import boto3

from ..aws import local_endpoint

# moto's default account: the credentials the audit starts from.
CALLER_ACCOUNT = "123456789012"
SEED_ROLE = "OrganizationAccountAccessRole"


class EstateClients:
    def __init__(self, endpoint_url: str | None = None, region: str = "us-east-1"):
        self.endpoint_url = endpoint_url
        self.region = region
        self._sessions: dict[str, boto3.Session] = {}
        self._clients: dict[tuple[str, str, str], object] = {}

    def session(self, account: str = CALLER_ACCOUNT) -> boto3.Session:
        if account not in self._sessions:
            base = boto3.Session(
                aws_access_key_id="testing", aws_secret_access_key="testing", region_name=self.region
            )
            if account == CALLER_ACCOUNT:
                self._sessions[account] = base
            else:
                sts = base.client("sts", endpoint_url=self.endpoint_url)
                creds = sts.assume_role(
                    RoleArn=f"arn:aws:iam::{account}:role/{SEED_ROLE}", RoleSessionName="seed"
                )["Credentials"]
                self._sessions[account] = boto3.Session(
                    aws_access_key_id=creds["AccessKeyId"],
                    aws_secret_access_key=creds["SecretAccessKey"],
                    aws_session_token=creds["SessionToken"],
                    region_name=self.region,
                )
        return self._sessions[account]

    def client(self, service: str, account: str = CALLER_ACCOUNT, region: str | None = None):
        region = region or self.region
        key = (service, account, region)
        if key not in self._clients:
            from botocore.config import Config

            config = Config(s3={"addressing_style": "path"})
            self._clients[key] = self.session(account).client(
                service, region_name=region, endpoint_url=self.endpoint_url, config=config
            )
            if service == "s3control" and self.endpoint_url:
                local_endpoint.register(self._clients[key])
        return self._clients[key]
