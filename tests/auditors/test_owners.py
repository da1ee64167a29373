"""--cis-owner-tag in-process (moto): resource tag first, unreadable tags never an error of the
control, and no tag read without the option."""
from __future__ import annotations

from tests.harness import A
from tests.refusals import Refuse


def buckets(moto, *names_and_tags: tuple[str, dict]) -> None:
    s3 = moto.client("s3", A, "us-east-1")
    for name, tags in names_and_tags:
        s3.create_bucket(Bucket=name)
        if tags:
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})


def test_resource_tag_names_the_owner_and_no_tag_is_read_without_the_option(audit, moto):
    buckets(moto, ("owned-logs", {"team": "=data<b>"}), ("orphan-logs", {"other": "x"}))
    run = audit("2.1.4", args=["--cis-owner-tag", "team"])
    owners = {f["resource"]: f["owner"] for f in run.document["findings"]}
    assert owners == {"arn:aws:s3:::owned-logs": "=data<b>", "arn:aws:s3:::orphan-logs": ""}
    # A single account in no organization: account tags cannot be read, and the file says so.
    assert "Account tags were not read for 111111111111" in run.document["owners"]["account_tags"]

    plain = audit("2.1.4")
    assert "owners" not in plain.document and "owner" not in plain.document["findings"][0]
    assert plain.document["aws_calls"]["distinct"] < run.document["aws_calls"]["distinct"]


def test_unreadable_tags_make_the_owner_unknown_not_the_control_an_error(audit, moto):
    buckets(moto, ("owned-logs", {"team": "data"}))
    run = audit("2.1.4", args=["--cis-owner-tag", "team"],
                plugins=[Refuse(A, ("resourcegroupstaggingapi", "GetResources"))])
    (finding,) = run.document["findings"]
    assert finding["status"] in ("PASS", "FAIL")
    assert finding["owner"] == "unknown (tags unreadable: tag:GetResources AccessDenied)"
