"""Your own controls, as pytest tests: the public API (README, "Your own controls").

    # my_controls/test_org.py
    from pytest_cis_aws.api import custom_control, buckets, evidence

    @custom_control("ORG.3", units=buckets, title="Every S3 bucket names its owner",
                    section="Organisation controls")
    def test_org_3_bucket_has_owner_tag(bucket, aws):
        answer = aws.call("s3", "GetBucketTagging", Bucket=bucket.name, absent=("NoSuchTagSet",))
        tags = {t["Key"]: t["Value"] for t in (answer or {}).get("TagSet", [])}
        evidence("s3:GetBucketTagging", TagSet=tags)
        assert tags.get("owner"), f"S3 bucket {bucket.name} has no owner tag"

    $ pytest cis_checks my_controls

Everything here is kept stable; the rest of ``plugin`` is the suite's own.

* :func:`custom_control`: declares a test function as control ``id`` (``ORG.1``: a section
  name, a dot, numbers), evaluated on every unit of ``units``, with its metadata (title,
  level, section, description, remediation, fix) in code or in ``controls.yaml`` beside.
* Unit sources: :data:`accounts`, :data:`regions` (account x region), :func:`resources`
  (one unit per item an AWS listing returns) and :data:`buckets`; each unit has
  ``account``, ``region``, ``resource`` (its ARN, or the account id); a
  :class:`Resource` also ``kind``, ``name`` and ``data``, the item as AWS listed it.
* The ``aws`` fixture (:class:`ReadOnlyAws`): read-only, cached access to the unit's
  account and region, ``aws.call(service, Operation, absent=(...), **params)`` or
  ``aws.client(service).operation_name(**params)``.
* :func:`evidence`: records the AWS fields that decided the verdict, for every output;
  :func:`passed_because`: names what satisfied the control (a PASS finding's message).
* :class:`AwsError`: what a failed read raises (the unit is an ERROR naming the action).
"""
from __future__ import annotations

from .aws.errors import AwsCallError as AwsError
from .controls import evidence, passed_because
from .custom.declare import custom_control
from .custom.reads import ReadOnlyAws
from .custom.units import Resource, accounts, buckets, regions, resources

__all__ = [
    "AwsError",
    "ReadOnlyAws",
    "Resource",
    "accounts",
    "buckets",
    "custom_control",
    "evidence",
    "passed_because",
    "regions",
    "resources",
]
