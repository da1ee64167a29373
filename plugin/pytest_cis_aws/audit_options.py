"""Command-line options, and their validation into one AuditOptions value.

Bad values stop the run with pytest's usage error and one sentence, never a traceback.
"""
from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

# Only light modules here: the pytest11 entry point imports this one to add the options on
# every pytest run, audit or not. boto3, botocore and the registry's YAML are read by parse().
from .benchmarks import DEFAULT_BENCHMARK, VERSIONS
from .gating import gating_options
from .report import outputs  # light: the writers are imported only when a file is written
from .report.outputs import DEFAULT_ASFF_REGION, OUTPUTS

GROUP = "cis-aws"
ACCOUNT_ID = re.compile(r"^\d{12}$")
DEFAULT_ROLE = "OrganizationAccountAccessRole"
DEFAULT_JSON = "reports/cis-findings.json"
DEMO_EXTRA = "pytest-cis-aws[demo]"


def addoptions(parser: pytest.Parser) -> None:
    group = parser.getgroup(GROUP, "CIS AWS Foundations Benchmark audit")
    group.addoption("--aws-accounts", metavar="IDS", default=None,
                    help="comma-separated 12-digit account ids to audit, or 'all': the organisation's active accounts (default: the account of the current credentials)")
    group.addoption("--aws-role-name", metavar="NAME", default=DEFAULT_ROLE,
                    help=f"role assumed in each audited account; the caller's own account is used directly (default: {DEFAULT_ROLE})")
    group.addoption("--aws-external-id", metavar="ID", default=None,
                    help="external id passed when assuming the audit role")
    group.addoption("--aws-profile", metavar="NAME", default=None,
                    help="AWS profile for the base credentials (default: boto3's credential chain)")
    group.addoption("--aws-regions", metavar="REGIONS", default=None,
                    help="comma-separated regions to audit (default: every region enabled in each account)")
    group.addoption("--aws-max-workers", metavar="N", type=int, default=16,
                    help="threads gathering evidence in parallel (default: 16)")
    group.addoption("--aws-max-attempts", metavar="N", type=int, default=10,
                    help="attempts per AWS call under botocore's standard retries; throttled requests are paced "
                         "and retried apart from these (default: 10)")
    group.addoption("--aws-snapshot-out", metavar="PATH", default=None,
                    help="write every AWS response the run used to PATH, for --aws-snapshot")
    group.addoption("--aws-snapshot", metavar="PATH", default=None,
                    help="re-run the audit from a snapshot file with no AWS access")
    group.addoption("--aws-demo", action="store_true", default=False,
                    help="audit the embedded demo estate: a moto server on 127.0.0.1 started and seeded by the suite")
    group.addoption("--cis-benchmark", metavar="VERSION", default=DEFAULT_BENCHMARK,
                    help=f"CIS AWS Foundations Benchmark version: {', '.join(VERSIONS)} "
                         f"(default: {DEFAULT_BENCHMARK})")
    group.addoption("--cis-level", metavar="1|2", default="2",
                    help="1: Level 1 controls only; 2: Level 1 and Level 2 controls (default: 2)")
    group.addoption("--cis-json", metavar="PATH", default=DEFAULT_JSON,
                    help=f"findings file written at the end of every run (default: {DEFAULT_JSON})")
    for output in OUTPUTS:  # the same table cis-merge offers (report/outputs.py)
        group.addoption(output.flag, metavar="PATH", default=None, help=output.help)
    for setting in outputs.SETTINGS:  # the writers' settings, offered by cis-merge too
        group.addoption(setting.flag, metavar=setting.metavar, default=setting.default, help=setting.help)
    group.addoption("--cis-asff-region", metavar="REGION", default=DEFAULT_ASFF_REGION,
                    help=f"the Security Hub region the --cis-asff findings are imported into (default: {DEFAULT_ASFF_REGION})")
    group.addoption("--cis-owner-tag", metavar="KEY", default=None,
                    help="give each finding an owner: the value of tag KEY on its resource, else on its account "
                         "(tags are read only with this option)")
    group.addoption("--cis-root-use-days", metavar="DAYS", type=int, default=90,
                    help="the control on daily use of the root user fails an account whose root user signed in "
                         "or used an access key within this many days, at least 1 (default: 90)")
    gating_options.addoptions(group)


@dataclass(frozen=True)
class AuditOptions:
    accounts: tuple[str, ...] | None  # None: the caller's own account
    role_name: str
    external_id: str | None
    profile: str | None
    regions: tuple[str, ...] | None  # None: every enabled region
    max_workers: int
    max_attempts: int
    snapshot_out: Path | None
    snapshot: Path | None
    demo: bool
    benchmark: str
    level: int
    json_path: Path
    root_use_days: int
    gating: gating_options.GatingOptions = gating_options.GatingOptions()


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


@lru_cache(maxsize=1)
def known_regions() -> frozenset[str]:
    import boto3

    session = boto3.session.Session()
    found: set[str] = set()
    for partition in session.get_available_partitions():
        found.update(session.get_available_regions("ec2", partition_name=partition))
    return frozenset(found)


def parse_accounts(value: str | None) -> tuple[str, ...] | None:
    if gating_options.is_all(value):
        return None  # discovered from Organizations (gating.all_accounts)
    accounts = _split(value)
    if accounts is None:
        return None
    if not accounts:
        raise pytest.UsageError("--aws-accounts is empty: give one or more 12-digit account ids")
    for account in accounts:
        if not ACCOUNT_ID.match(account):
            raise pytest.UsageError(f"--aws-accounts: {account!r} is not a 12-digit AWS account id")
    return tuple(dict.fromkeys(accounts))


def parse_regions(value: str | None) -> tuple[str, ...] | None:
    regions = _split(value)
    if regions is None:
        return None
    if not regions:
        raise pytest.UsageError("--aws-regions is empty: give one or more region names such as eu-west-1")
    for region in regions:
        if region not in known_regions():
            raise pytest.UsageError(f"--aws-regions: {region!r} is not an AWS region known to botocore")
    from .aws import partitions

    found = {partitions.of_region(r): r for r in reversed(regions)}
    if len(found) > 1:
        named = ", ".join(f"{region} ({partition})" for partition, region in sorted(found.items()))
        raise pytest.UsageError(
            f"--aws-regions mixes partitions: {named}; a run audits the partition of its credentials, so run once per partition"
        )
    return tuple(dict.fromkeys(regions))


def parse(config: pytest.Config) -> AuditOptions:
    from . import registry

    get = config.getoption
    level = str(get("cis_level"))
    if level not in ("1", "2"):
        raise pytest.UsageError(f"--cis-level must be 1 or 2, not {level!r}")
    try:
        benchmark = registry.resolve(get("cis_benchmark"))
    except registry.RegistryError:
        raise pytest.UsageError(
            f"--cis-benchmark {get('cis_benchmark')!r} is not a known version; known: {', '.join(registry.benchmarks())}"
        ) from None
    # A window of 0 or fewer days holds no use at all: the root-use control would pass everywhere.
    for name in ("aws_max_workers", "aws_max_attempts", "cis_root_use_days"):
        if get(name) < 1:
            raise pytest.UsageError(f"--{name.replace('_', '-')} must be at least 1")
    if get("cis_asff") and get("cis_asff_region") not in known_regions():
        raise pytest.UsageError(f"--cis-asff-region: {get('cis_asff_region')!r} is not an AWS region known to botocore")
    try:
        outputs.context("", get)  # the writers' settings, checked before any AWS call
    except outputs.SettingError as exc:
        raise pytest.UsageError(str(exc)) from None
    owner_tag = get("cis_owner_tag")
    if owner_tag is not None and not (0 < len(owner_tag) <= 128 and owner_tag.strip() == owner_tag):
        raise pytest.UsageError("--cis-owner-tag: give a tag key of 1 to 128 characters, without leading or trailing spaces")
    if get("cis_history"):
        from .report import history  # a renderer: imported only when its file is asked for

        try:
            history.load(Path(get("cis_history")))  # a file we could not extend stops the run now
        except history.HistoryError as exc:
            raise pytest.UsageError(str(exc)) from None
    snapshot = get("aws_snapshot")
    if snapshot is not None and not Path(snapshot).is_file():
        raise pytest.UsageError(f"--aws-snapshot: the file {snapshot} does not exist")
    if snapshot is not None and get("aws_demo"):
        raise pytest.UsageError("--aws-snapshot and --aws-demo cannot be combined: a snapshot needs no endpoint")
    if get("aws_demo") and any(importlib.util.find_spec(name) is None for name in ("moto", "flask")):
        # moto (and its server) is the demo's alone: an audit of real accounts does not install it.
        raise pytest.UsageError(f"--aws-demo needs the demo extra (moto): pip install '{DEMO_EXTRA}'")
    return AuditOptions(
        accounts=parse_accounts(get("aws_accounts")),
        role_name=get("aws_role_name"),
        external_id=get("aws_external_id"),
        profile=get("aws_profile"),
        regions=parse_regions(get("aws_regions")),
        max_workers=get("aws_max_workers"),
        max_attempts=get("aws_max_attempts"),
        snapshot_out=Path(get("aws_snapshot_out")) if get("aws_snapshot_out") else None,
        snapshot=Path(snapshot) if snapshot else None,
        demo=get("aws_demo"),
        benchmark=benchmark,
        level=int(level),
        json_path=Path(get("cis_json")),
        root_use_days=get("cis_root_use_days"),
        gating=gating_options.parse(config),
    )
