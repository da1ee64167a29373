"""Demo estate for the example controls in examples/org_controls (the README's "Your own
controls"): each shows both outcomes.

* ORG.1, account alias: the first and third accounts have one, the second has none.
* ORG.2, EC2 only in approved regions (us-east-1): section 5 already runs an instance in the
  second account's other region (eu-west-1), and the rest in us-east-1.
* ORG.3, owner tag on every bucket: each account's well-kept bucket is tagged; the others
  (uploads, trail and log buckets) are not.

Tags and aliases change no CIS verdict.
"""
from __future__ import annotations

from ..clients import EstateClients

ALIASES = {0: "demo-production", 2: "demo-sandbox"}


def seed(clients: EstateClients, accounts: tuple[str, ...], regions: tuple[str, ...]) -> None:
    for index, account in enumerate(accounts):
        if index in ALIASES:
            clients.client("iam", account).create_account_alias(AccountAlias=ALIASES[index])
        home = regions[index % len(regions)]  # where section 2 created the bucket
        clients.client("s3", account, home).put_bucket_tagging(
            Bucket=f"demo-{account}-secure-data",
            Tagging={"TagSet": [{"Key": "owner", "Value": "platform-team"}, {"Key": "data", "Value": "confidential"}]},
        )
