"""The control registry: benchmark versions as data, mapped onto checks written once.

Two kinds of data file, both YAML:

* ``checks/*.yaml``, the **check catalogue**: one entry per check (what one control test in
  ``cis_checks/`` evaluates): its canonical title, unit, the ``kind`` of its units (one name,
  or a list, of ``registry/kinds.py``), and our own description, remediation
  (console steps, CLI), per-resource ``fix`` template and ``manual_check``. A check that
  v2.0.0 has is keyed by its v2.0.0 id ("1.10"); one that v2.0.0 lacks by a name
  ("rds-multi-az"). Where a later version changed what passes, ``changes`` holds, per rule
  (``C1``...), the fields that rule changes (our description of it, a filter pattern...):
  written once, whichever versions apply the rule.
* ``versions/<version>.yaml``, one per **benchmark version**: its section titles and, for
  every control, its id, the check that evaluates it, the CIS profile level and the
  benchmark's Automated/Manual label. Where the version changed what passes, ``changed``
  names the rule (``C1``...``C7``, docs/VERSIONS.md) that the check applies for it; a
  version may also override the title, description, remediation or any other field.

A :class:`Control` is one control of one version: the version's identity data over the
check's content. The same id names different controls in different versions (``3.3`` is
the CloudTrail bucket in v2.0.0 and AWS Config in v3.0.0), so a control is always looked
up within its version. Supporting a new version is a new file in ``versions/`` plus only
the checks it truly adds.
"""
from __future__ import annotations

from ..naming import test_prefix

import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from .kinds import COMMON_FIELDS, KINDS

from ..benchmarks import DEFAULT_BENCHMARK, SECTION_MARKERS  # noqa: F401 (DEFAULT_BENCHMARK read as registry.DEFAULT_BENCHMARK too)
# Check fields a version may override for one of its controls.
OVERRIDABLE = ("title", "description", "remediation", "fix", "manual_check", "filter_patterns")


class RegistryError(ValueError):
    """A data file is malformed, or a version or control is unknown; the message says which."""


@dataclass(frozen=True)
class Check:
    """One entry of the check catalogue: what a control test evaluates, in our words."""

    key: str
    title: str
    unit: str
    description: str
    console: tuple[str, ...] = ()
    cli: tuple[str, ...] = ()
    # A per-resource CLI fix, formatted with the failing unit's fields: {account} {region} {name} ...
    # For a check over several kinds of resource, one template per kind (the unit label's
    # first part: "bucket", "queue"...), as ((kind, template), ...).
    fix: str | tuple[tuple[str, str], ...] | None = None
    # For controls only a person can verify: what to check by hand.
    manual_check: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)
    # Per changed rule ("C1"), the fields it overrides (any of OVERRIDABLE).
    changes: dict[str, dict] = field(default_factory=dict, compare=False, hash=False)
    # The kinds of its units (registry/kinds.py): what the exchange formats call the resource,
    # and which unit fields its fix templates may name.
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    marker: str  # pytest marker selecting the section's controls (-m iam): same meaning in every version


@dataclass(frozen=True)
class Benchmark:
    version: str
    name: str
    published: str
    aliases: tuple[str, ...]
    sections: dict[str, Section] = field(compare=False, hash=False)


@dataclass(frozen=True)
class Control:
    """One control of one benchmark version."""

    id: str
    title: str
    level: int
    automated: bool  # the benchmark's own Automated/Manual label (we evaluate whatever an API decides)
    unit: str
    description: str
    console: tuple[str, ...] = ()
    cli: tuple[str, ...] = ()
    fix: str | tuple[tuple[str, str], ...] | None = None  # see Check.fix
    manual_check: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)
    benchmark: str = DEFAULT_BENCHMARK
    check: str = ""  # the check key; "" only for controls built by hand in tests
    changed: tuple[str, ...] = ()  # rules (C1..C7) this version changed for the check
    section_title: str = ""
    marker: str = ""
    kinds: tuple[str, ...] = ()  # see Check.kinds; a team's own control declares none

    def __post_init__(self) -> None:
        # Controls built by hand (our tests) default to v2.0.0's check and section names.
        if not self.check:
            object.__setattr__(self, "check", self.id)
        if not self.section_title:
            section = benchmark(DEFAULT_BENCHMARK).sections[self.section]
            object.__setattr__(self, "section_title", section.title)
            object.__setattr__(self, "marker", self.marker or section.marker)

    @property
    def section(self) -> str:
        return self.id.split(".")[0]

    @property
    def order(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.id.split("."))

    @property
    def assessment(self) -> str:
        """The benchmark's label, shown beside the verdict."""
        return "Automated" if self.automated else "Manual"

    @property
    def evaluation(self) -> str:
        """What a finding of this control is about across versions: the check, and the rules a
        version changed for it ("1.5+C4"). Baselines match on it, so a CHANGED control's
        findings never read as known failures of the old rule."""
        return "+".join((self.check, *self.changed))

    @property
    def function_prefix(self) -> str:
        """The test name under this version starts test_<id with underscores>_."""
        return test_prefix(self.id)


# -- loading -----------------------------------------------------------------------------
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _files(folder: str):
    base = resources.files(__package__).joinpath(folder)
    return sorted((f for f in base.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)


def _yaml(entry) -> dict:
    try:
        # libyaml's safe loader where PyYAML has it: the registry is read at every start.
        data = yaml.load(entry.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        raise RegistryError(f"{entry.name} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise RegistryError(f"{entry.name} must be a mapping")
    return data


def _remediation(entry: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    remediation = entry.get("remediation") or {}
    return tuple(remediation.get("console", ())), tuple(remediation.get("cli", ()))


def _fix(raw):
    """A fix template, or one per kind of resource (a mapping in the YAML)."""
    if isinstance(raw, dict):
        return tuple((str(kind), str(template)) for kind, template in raw.items())
    return raw


def _kinds(raw, key: str, source: str) -> tuple[str, ...]:
    kinds = tuple(str(k) for k in ([raw] if isinstance(raw, str) else raw or ()))
    unknown = [k for k in kinds if k not in KINDS]
    if not kinds or unknown:
        raise RegistryError(f"{source}: check {key}: kind {', '.join(map(repr, unknown)) or 'is missing'}"
                            f"{' is not a kind of unit' if unknown else ''} (known: {', '.join(KINDS)})")
    return kinds


@lru_cache(maxsize=256)  # asked again for every failing unit's fix (report/view.py fill_fix)
def template_fields(template: str) -> tuple[str, ...]:
    """The unit fields a fix template names, in order: ``{name}``, ``{name.attr}``, ``{name[0]}``."""
    return tuple(dict.fromkeys(
        re.split(r"[.\[]", name, maxsplit=1)[0]
        for _, name, _, _ in string.Formatter().parse(template) if name and not name.startswith("_")))


def check_fix(fix, kinds: tuple[str, ...], where: str) -> None:
    """A fix template names only kinds the check declares and fields units of those kinds have."""
    for kind, template in (fix if isinstance(fix, tuple) else (((None, fix),) if fix else ())):
        if kind is not None and kind not in kinds:
            raise RegistryError(f"{where}: a fix for kind {kind!r}, which the check does not declare "
                                f"(kind: {', '.join(kinds)})")
        known = {*COMMON_FIELDS, *(f for k in ([kind] if kind else kinds) for f in KINDS[k].fields)}
        try:
            unknown = [name for name in template_fields(template) if name not in known]
        except ValueError as exc:  # an unbalanced brace
            raise RegistryError(f"{where}: fix template {template!r} is malformed ({exc})") from None
        if unknown:
            raise RegistryError(f"{where}: fix template names {', '.join(unknown)}, which units of kind "
                                f"{kind or ', '.join(kinds)} lack (they have {', '.join(sorted(known))})")


def parse_check(raw: dict, source: str) -> Check:
    entry = dict(raw)
    try:
        key, title, unit = str(entry.pop("check")), entry.pop("title"), entry.pop("unit")
        description = " ".join(entry.pop("description").split())
    except KeyError as missing:
        raise RegistryError(f"{source}: a check lacks {missing}") from None
    kinds = _kinds(entry.pop("kind", None), key, source)
    console, cli = _remediation(entry)
    entry.pop("remediation", None)
    changes = entry.pop("changes", None) or {}
    for rule, fields in changes.items():
        unknown = set(fields or {}) - set(OVERRIDABLE)
        if unknown:
            raise RegistryError(f"{source}: check {key}, rule {rule}: cannot change {', '.join(sorted(unknown))}")
    fix = _fix(entry.pop("fix", None))
    check_fix(fix, kinds, f"{source}: check {key}")
    for rule, fields in changes.items():
        check_fix(_fix((fields or {}).get("fix")), kinds, f"{source}: check {key}, rule {rule}")
    return Check(key, title, unit, description, console, cli, fix, entry.pop("manual_check", None), entry,
                 {str(r): dict(f or {}) for r, f in changes.items()}, kinds)


@lru_cache(maxsize=1)
def checks() -> dict[str, Check]:
    """The check catalogue, by key."""
    found: dict[str, Check] = {}
    for entry in _files("checks"):
        for raw in _yaml(entry).get("checks") or []:
            check = parse_check(raw, entry.name)
            if check.key in found:
                raise RegistryError(f"{entry.name}: check {check.key} is defined twice")
            found[check.key] = check
    return found


def _control(raw: dict, benchmark: Benchmark, catalogue: dict[str, Check], source: str) -> Control:
    try:
        control_id, key = str(raw["id"]), str(raw["check"])
        level, label = int(raw["level"]), str(raw["cis"])
    except KeyError as missing:
        raise RegistryError(f"{source}: a control lacks {missing}") from None
    if key not in catalogue:
        raise RegistryError(f"{source}: control {control_id} names check {key!r}, which the catalogue lacks")
    if label not in ("A", "M"):
        raise RegistryError(f"{source}: control {control_id}: cis must be A or M, not {label!r}")
    section = benchmark.sections.get(control_id.split(".")[0])
    if section is None:
        raise RegistryError(f"{source}: control {control_id} is in no section of the file")
    check = catalogue[key]
    unknown = set(raw) - {"id", "check", "level", "cis", "changed", *OVERRIDABLE}
    if unknown:
        raise RegistryError(f"{source}: control {control_id}: unknown field {', '.join(sorted(unknown))}")
    changed = raw.get("changed") or ()
    changed = tuple([changed] if isinstance(changed, str) else changed)
    # The check's own fields, then what each changed rule changes, then the version's overrides.
    fields: dict = {"title": check.title, "description": check.description, "fix": check.fix,
                    "manual_check": check.manual_check, "remediation": {"console": check.console, "cli": check.cli},
                    **({"filter_patterns": check.extra["filter_patterns"]} if "filter_patterns" in check.extra else {})}
    for rule in changed:
        if rule not in check.changes:
            raise RegistryError(f"{source}: control {control_id} applies rule {rule}, which check {key} does not define")
        fields.update(check.changes[rule])
    fields.update({name: raw[name] for name in OVERRIDABLE if name in raw})
    if "fix" in raw:
        check_fix(_fix(raw["fix"]), check.kinds, f"{source}: control {control_id}")
    console, cli = _remediation(fields)
    extra = dict(check.extra)
    if "filter_patterns" in fields:
        extra["filter_patterns"] = list(fields["filter_patterns"])
    return Control(
        id=control_id,
        title=fields["title"],
        level=level,
        automated=label == "A",
        unit=check.unit,
        description=" ".join(fields["description"].split()),
        console=console,
        cli=cli,
        fix=_fix(fields["fix"]),
        manual_check=fields["manual_check"],
        extra=extra,
        benchmark=benchmark.version,
        check=key,
        changed=changed,
        section_title=section.title,
        marker=section.marker,
        kinds=check.kinds,
    )


@lru_cache(maxsize=1)
def _versions() -> dict[str, tuple[Benchmark, tuple[Control, ...]]]:
    catalogue = checks()
    found = {}
    for entry in _files("versions"):
        data = _yaml(entry)
        try:
            sections = {
                str(number): Section(str(number), s["title"], SECTION_MARKERS[s["title"]])
                for number, s in data["sections"].items()
            }
            benchmark = Benchmark(str(data["version"]), data["name"], str(data.get("published", "")),
                                  tuple(str(a) for a in data.get("aliases") or ()), sections)
        except (KeyError, TypeError, AttributeError) as exc:
            raise RegistryError(f"{entry.name}: version, name and sections (each titled as benchmarks.SECTION_MARKERS knows) are required ({exc})") from None
        listed = [_control(raw, benchmark, catalogue, entry.name) for raw in data.get("controls") or []]
        ids = [c.id for c in listed]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise RegistryError(f"{entry.name}: control id {', '.join(duplicates)} appears twice")
        found[benchmark.version] = (benchmark, tuple(sorted(listed, key=lambda c: c.order)))
    return dict(sorted(found.items(), key=lambda item: tuple(int(p) for p in item[0].split("."))))


def kinds_of(check: str) -> tuple[str, ...]:
    """The kinds a check's units are (its catalogue entry's ``kind``); () for a team's own
    control. ``check`` may carry the rules a version changed ("1.5+C4")."""
    found = checks().get(check.split("+", 1)[0])
    return found.kinds if found is not None else ()


def benchmarks() -> dict[str, Benchmark]:
    """Every supported benchmark version, oldest first."""
    return {version: benchmark for version, (benchmark, _) in _versions().items()}


def resolve(version: str) -> str:
    """The version a user named (an alias such as 4.0.0 for 4.0.1 included); RegistryError if unknown."""
    text = str(version).strip().removeprefix("v")
    for known, benchmark in benchmarks().items():
        if text == known or text in benchmark.aliases:
            return known
    # "MAJOR.MINOR" (how people say it: "CIS 2.0") names the newest patch of that version.
    if re.fullmatch(r"\d+\.\d+", text):
        patches = [known for known in benchmarks() if known.startswith(text + ".")]
        if patches:
            return patches[-1]
    raise RegistryError(f"unknown CIS AWS Foundations Benchmark version {version!r}; known: {', '.join(benchmarks())}")


def benchmark(version: str = DEFAULT_BENCHMARK) -> Benchmark:
    return _versions()[resolve(version)][0]


def controls(version: str = DEFAULT_BENCHMARK) -> tuple[Control, ...]:
    """Every control of a benchmark version, in benchmark order."""
    return _versions()[resolve(version)][1]


def by_id(version: str = DEFAULT_BENCHMARK) -> dict[str, Control]:
    return {c.id: c for c in controls(version)}


@lru_cache(maxsize=None)
def by_check(version: str = DEFAULT_BENCHMARK) -> dict[str, Control]:
    """The version's controls by the check that evaluates them (one control per check)."""
    found: dict[str, Control] = {}
    for control in controls(version):
        if control.check in found:
            raise RegistryError(f"v{version}: controls {found[control.check].id} and {control.id} share check {control.check}")
        found[control.check] = control
    return found
