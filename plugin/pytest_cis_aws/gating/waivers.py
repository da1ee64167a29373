"""Waivers: accepted risks, read from a YAML file (``--cis-waivers``).

    waivers:
      - control: "2.1.*"            # id or glob, in the benchmark version below
        benchmark: "2.0.0"          # the version the control id is from (default 2.0.0)
        account: "111111111111"     # id or glob (default "*")
        region: "eu-*"              # glob (default "*")
        resource: "re:^arn:aws:s3:::legacy-.*$"   # glob, or re: a regular expression on the ARN
        reason: "legacy buckets retire with the old platform"
        owner: "platform-team"
        expires: 2027-03-31

A waiver applies up to and including its ``expires`` day, measured by the run's clock.
It names controls by the ids of the version it was written for, and applies to the same
checks under every version: a waiver of v2.0.0's 1.13 still waives v5.0.0's 1.12.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path

import yaml

from .. import registry

REQUIRED = ("control", "reason", "owner", "expires")
OPTIONAL = ("account", "region", "resource", "benchmark")
REGEX_PREFIX = "re:"


class _AsWritten(yaml.SafeLoader):
    """PyYAML's safe loader, but every scalar stays the text the file holds (an empty one is
    still None, so a key left empty is missing). An unquoted ``control: 1.10`` is control
    "1.10", not the number 1.1; an account id keeps its leading zero rather than being read
    as an octal number; dates are parsed by us, so an impossible one (2026-02-30) is a usage
    error naming the entry rather than a crash in the loader."""


_AsWritten.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class WaiverFileError(ValueError):
    """The waiver file cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Waiver:
    number: int  # 1-based position in the file: how people find it again
    control: str
    account: str
    region: str
    resource: str
    reason: str
    owner: str
    expires: dt.date
    benchmark: str = registry.DEFAULT_BENCHMARK

    @property
    def id(self) -> str:
        return f"#{self.number}"

    def describe(self) -> str:
        return (f"waiver {self.id} (control {self.control}, account {self.account}, region {self.region}, "
                f"resource {self.resource}; owner {self.owner}; expires {self.expires.isoformat()}): {self.reason}")

    def expired(self, today: dt.date) -> bool:
        return today > self.expires

    def covers_check(self, check: str) -> bool:
        """Whether the waiver names the check (``1.13``, ``rds-multi-az``; changed rules aside)."""
        check = check.split("+")[0]
        if check not in registry.checks():
            # A control outside the benchmark (a team's own, pytest_cis_aws.api): its id is its check,
            # and the waiver names it by that id or a glob ("ORG.*", "*").
            return fnmatchcase(check, self.control)
        named = checks_named(self.benchmark, self.control)
        # A pattern naming no control of its version may name a check by its key (rds-multi-az).
        return check in named if named else fnmatchcase(check, self.control)

    def covers_account(self, account: str) -> bool:
        return fnmatchcase(account, self.account)

    def matches(self, check: str, account: str, region: str, resource: str) -> bool:
        return (
            self.covers_check(check)
            and self.covers_account(account)
            and fnmatchcase(region, self.region)
            and _resource_matches(self.resource, resource)
        )

    def to_dict(self) -> dict:
        return {
            "id": self.id, "control": self.control, "benchmark": self.benchmark,
            "account": self.account, "region": self.region,
            "resource": self.resource, "reason": self.reason, "owner": self.owner,
            "expires": self.expires.isoformat(),
        }


@lru_cache(maxsize=None)
def checks_named(benchmark: str, pattern: str) -> frozenset[str]:
    """The checks of the controls that ``pattern`` names in ``benchmark``."""
    return frozenset(c.check for c in registry.controls(benchmark) if fnmatchcase(c.id, pattern))


def _resource_matches(pattern: str, resource: str) -> bool:
    if pattern.startswith(REGEX_PREFIX):
        # A full match: "re:arn:aws:s3:::logs" must not also waive "...:::logs-prod".
        return re.fullmatch(pattern[len(REGEX_PREFIX):], resource) is not None
    return fnmatchcase(resource, pattern)


def load(path: Path) -> list[Waiver]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise WaiverFileError(f"--cis-waivers: cannot read {path}: {exc.strerror}") from None
    try:
        data = yaml.load(text, Loader=_AsWritten)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise WaiverFileError(f"--cis-waivers: {path} is not valid YAML{line}") from None
    if data is None:
        return []
    if not isinstance(data, dict) or set(data) != {"waivers"} or not isinstance(data["waivers"], list):
        raise WaiverFileError(f"--cis-waivers: {path} must hold one key, 'waivers', with a list of entries")
    return [parse_entry(entry, number, path) for number, entry in enumerate(data["waivers"], start=1)]


def parse_entry(entry: object, number: int, path: Path | str = "the waiver file") -> Waiver:
    def fail(problem: str) -> WaiverFileError:
        return WaiverFileError(f"--cis-waivers: {path}, entry {number}: {problem}")

    if not isinstance(entry, dict):
        raise fail("an entry must be a mapping of control, account, region, resource, reason, owner, expires")
    unknown = sorted(str(key) for key in entry if key not in REQUIRED + OPTIONAL)
    if unknown:
        raise fail(f"unknown key {', '.join(unknown)} (allowed: {', '.join(REQUIRED + OPTIONAL)})")
    missing = [key for key in REQUIRED if entry.get(key) in (None, "")]
    if missing:
        raise fail(f"missing {', '.join(missing)}")
    try:
        benchmark = registry.resolve(str(entry.get("benchmark", registry.DEFAULT_BENCHMARK)))
    except registry.RegistryError:
        raise fail(f"benchmark {entry['benchmark']!r} is not a known version "
                   f"({', '.join(registry.benchmarks())})") from None
    text = {}
    for key in ("control", "reason", "owner", "account", "region", "resource"):
        value = entry.get(key, "*")
        if isinstance(value, (dict, list, bool)) or value is None:
            raise fail(f"{key} must be text")
        text[key] = str(value).strip()
    resource = text["resource"]
    if resource.startswith(REGEX_PREFIX):
        try:
            re.compile(resource[len(REGEX_PREFIX):])
        except re.error as exc:
            raise fail(f"resource {resource!r} is not a valid regular expression ({exc})") from None
    return Waiver(number=number, expires=_date(entry["expires"], fail), benchmark=benchmark, **text)


def _date(value: object, fail) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise fail(f"expires {value!r} is not a date (YYYY-MM-DD)") from None


def first_match(waivers: list[Waiver], today: dt.date, check: str, account: str, region: str, resource: str):
    """The first waiver in file order that applies today to this check and unit, or None."""
    for waiver in waivers:
        if not waiver.expired(today) and waiver.matches(check, account, region, resource):
            return waiver
    return None
