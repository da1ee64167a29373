"""The gating options, parsed into one GatingOptions value on every process.

xdist workers parse the same command line, so they read the waiver and baseline files
themselves and decide WAIVED/KNOWN where the test runs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from . import baseline as baseline_file, sharding, waivers as waiver_file

# The option values of --cis-fail-on (exit_status.py decides with them).
FAIL_ON = ("failure", "error")

ACCOUNT_ID = re.compile(r"^\d{12}$")
ALL_ACCOUNTS = "all"


def addoptions(group) -> None:
    group.addoption("--aws-exclude-accounts", metavar="IDS", default=None,
                    help="with --aws-accounts all: comma-separated account ids to leave out")
    group.addoption("--cis-controls", metavar="IDS", default=None,
                    help="comma-separated control ids or globs to evaluate, e.g. 1.4,2.1.* (default: all at --cis-level)")
    group.addoption("--cis-waivers", metavar="FILE", default=None,
                    help="YAML file of accepted risks: matching failures are reported as WAIVED")
    group.addoption("--cis-baseline", metavar="FINDINGS.json", default=None,
                    help="findings file of an earlier run: failures already in it are reported as KNOWN")
    group.addoption("--cis-shard", metavar="K/N", default=None,
                    help="audit shard K of N of the accounts (sorted, dealt round-robin); merge with cis-merge")
    group.addoption("--cis-fail-on", metavar="failure|error", default="failure", choices=FAIL_ON,
                    help="failure (default): exit 1 on any FAIL or ERROR; error: exit 1 on ERROR only")


@dataclass(frozen=True)
class GatingOptions:
    all_accounts: bool = False
    exclude_accounts: tuple[str, ...] = ()
    controls: tuple[str, ...] | None = None
    waivers_path: Path | None = None
    waivers: tuple[waiver_file.Waiver, ...] = ()
    baseline: baseline_file.Baseline | None = None
    shard: sharding.Shard | None = None
    fail_on: str = "failure"


def is_all(value: str | None) -> bool:
    return value is not None and value.strip().lower() == ALL_ACCOUNTS


def parse(config: pytest.Config) -> GatingOptions:
    # Imported here, not above: the pytest11 entry point imports this module to add the
    # options on every pytest run, and only an audit reads waivers and baselines (YAML, JSON).
    from . import baseline as baseline_file
    from . import selection, sharding, waivers as waiver_file

    get = config.getoption
    all_accounts = is_all(get("aws_accounts"))
    exclude = tuple(p.strip() for p in (get("aws_exclude_accounts") or "").split(",") if p.strip())
    for account in exclude:
        if not ACCOUNT_ID.match(account):
            raise pytest.UsageError(f"--aws-exclude-accounts: {account!r} is not a 12-digit AWS account id")
    if exclude and not all_accounts:
        raise pytest.UsageError("--aws-exclude-accounts needs --aws-accounts all (otherwise list only the accounts you want)")
    waivers_path = Path(get("cis_waivers")) if get("cis_waivers") else None
    try:
        controls = selection.parse_patterns(get("cis_controls"))
        waivers = tuple(waiver_file.load(waivers_path)) if waivers_path else ()
        baseline = baseline_file.load(Path(get("cis_baseline"))) if get("cis_baseline") else None
        shard = sharding.parse(get("cis_shard"))
    except (selection.SelectionError, waiver_file.WaiverFileError,
            baseline_file.BaselineFileError, sharding.ShardError) as exc:
        raise pytest.UsageError(str(exc)) from None
    return GatingOptions(
        all_accounts=all_accounts,
        exclude_accounts=exclude,
        controls=controls,
        waivers_path=waivers_path,
        waivers=waivers,
        baseline=baseline,
        shard=shard,
        fail_on=get("cis_fail_on"),
    )
