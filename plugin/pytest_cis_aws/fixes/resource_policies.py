"""v7.0.0's no-public-resource-policies: each policy rewritten without the statements open
to everyone, every other statement kept (set-*-attributes and put-*-policy replace the
whole policy)."""
from __future__ import annotations

from ..rules import resource_policy
from . import s3
from .model import Fix, quote, quote_json


def _kept(holder) -> dict:
    return s3.without_public_statements(holder.policy)


def public_policy(control, holder) -> Fix:
    kind = holder.label.split("/", 1)[0]
    where = f"--region {quote(holder.region)}"
    if kind == "bucket":
        return s3.public_bucket_policy(control, holder)
    if kind == "queue":
        url = f"https://sqs.{quote(holder.region)}.amazonaws.com/{holder.account}/{holder.name}"
        document = _kept(holder)
        policy = quote_json({"Policy": _text(document) if document["Statement"] else ""})
        return Fix.run(f"aws sqs set-queue-attributes {where} --queue-url {quote(url)} --attributes {policy}")
    if kind == "topic" and _kept(holder)["Statement"]:
        return Fix.run(f"aws sns set-topic-attributes {where} --topic-arn {quote(holder.resource)} "
                       f"--attribute-name Policy --attribute-value {quote(_text(_kept(holder)))}")
    if kind == "function":
        # A function's policy is a list of permissions, each removed by its statement id.
        sids = [s.get("Sid") for s in s3._public(s3._document(holder.policy))]
        if all(sids):
            return Fix.run(*(f"aws lambda remove-permission {where} --function-name {quote(holder.name)} "
                             f"--statement-id {quote(sid)}" for sid in sids))
    public = "; ".join(p.describe() for p in resource_policy.public_statements(holder.policy))
    return Fix.none(f"remove or narrow the statements of the {holder.kind}'s policy that are open to everyone "
                    f"({public}) with the service's own policy command; the suite builds that command for S3 "
                    "buckets, SQS queues, SNS topics and Lambda functions only")


def _text(document: dict) -> str:
    import json

    return json.dumps(document, separators=(",", ":"))
