"""The kinds of unit the catalogue declares (registry/kinds.py): an unknown kind or a fix template
naming a field units of its kinds lack is an error when the registry loads, and the table's
fields are the unit classes' own."""
from __future__ import annotations

import dataclasses

import pytest

from pytest_cis_aws import registry
from pytest_cis_aws.collectors import (access_logs, cloudtrail, efs, flowlogs, iam, instances, kms, network, org_governance,
                                     rds, resource_policies, s3, vpc_endpoints)
from pytest_cis_aws.registry.kinds import ACCOUNT, COMMON_FIELDS, KINDS, label_kind

# The unit classes of each kind that names fields (the rest are the account's, or name none).
UNIT_CLASSES = {
    "user": (iam.IamUser,), "access-key": (iam.AccessKey,), "policy": (iam.ManagedPolicy,),
    "server-certificate": (iam.ServerCertificate,), "bucket": (s3.Bucket,), "efs": (efs.FileSystem,),
    "trail": (cloudtrail.Trail, cloudtrail.TrailLogBucket), "instance": (instances.Instance,),
    "vpc": (flowlogs.Vpc, vpc_endpoints.VpcRouting), "key": (kms.KmsKey,), "network-acl": (network.NetworkAcl,),
    "security-group": (network.SecurityGroup,), "db": (rds.DbInstance,), "organization": (org_governance.OrgAccount,),
    **{kind: (resource_policies.PolicyHolder,) for kind in ("queue", "topic", "function", "secret", "event-bus", "vault")},
    **{kind: (access_logs.FrontEnd,) for kind in ("distribution", "load-balancer", "rest-api-stage", "http-api-stage")},
}
CHECK = {"check": "x.1", "title": "t", "unit": "S3 bucket", "description": "d"}


def names(cls) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)} | {n for n, v in vars(cls).items() if isinstance(v, property)}


@pytest.mark.parametrize("kind", sorted(UNIT_CLASSES))
def test_the_fields_a_kind_offers_templates_are_its_unit_classes_own(kind):
    # A trail's units are trails (name) and, for 3.6, a trail's log bucket (bucket_name).
    offered = set().union(*map(names, UNIT_CLASSES[kind]))
    assert set(KINDS[kind].fields) <= offered, f"{kind}: no unit class has {set(KINDS[kind].fields) - offered}"
    assert all(set(COMMON_FIELDS) <= names(cls) for cls in UNIT_CLASSES[kind])


def test_every_check_declares_known_kinds_and_every_control_carries_them():
    for check in registry.checks().values():
        assert check.kinds and set(check.kinds) <= set(KINDS), check.key
    for version in registry.benchmarks():
        for control in registry.controls(version):
            assert control.kinds == registry.checks()[control.check].kinds
    assert registry.kinds_of("1.5+C4") == ("account",) and registry.kinds_of("ORG.1") == ()


@pytest.mark.parametrize("entry, problem", [
    ({}, "x.yaml: check x.1: kind is missing"),
    ({"kind": "bukket"}, "x.yaml: check x.1: kind 'bukket' is not a kind of unit"),
    ({"kind": "bucket", "fix": "aws s3api x --bucket {nmae}"},
     "x.yaml: check x.1: fix template names nmae, which units of kind bucket lack"),
    ({"kind": ["queue", "topic"], "fix": {"queue": "aws sqs x {name}", "function": "aws lambda x {name}"}},
     "x.yaml: check x.1: a fix for kind 'function', which the check does not declare (kind: queue, topic)"),
    ({"kind": "bucket", "changes": {"C1": {"fix": "aws s3api x --bucket {bucket}"}}},
     "x.yaml: check x.1, rule C1: fix template names bucket, which units of kind bucket lack"),
])
def test_an_unknown_kind_or_template_field_is_an_error_when_the_catalogue_loads(entry, problem):
    with pytest.raises(registry.RegistryError) as raised:
        registry.parse_check({**CHECK, **entry}, "x.yaml")
    assert str(raised.value).startswith(problem)


def test_a_label_names_its_kind():
    assert [label_kind(label) for label in ("bucket/app-logs", "user/alice/access-key/AKIA1", "user/alice/access-keys",
                                             "account", "", "rest-api-stage/a1/prod")] == [
        "bucket", "access-key", "user", None, None, "rest-api-stage"]
    assert KINDS[ACCOUNT].asff_type == "AwsAccount"
