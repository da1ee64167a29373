"""A team's own controls' metadata: validated, and merged into the run's benchmark version.

Each control's metadata (title, level, section title, description, remediation, fix,
manual check) is given in its ``@custom_control`` decorator or in ``controls.yaml`` in
the same folder as its test file, not both:

    sections:
      ORG: {title: Organisation controls, marker: org}    # marker: optional, default the name lower-cased
    controls:
      - id: ORG.1
        title: Every account has an account alias
        level: 1
        description: ...
        remediation: {console: [...], cli: [...]}
        fix: "aws iam create-account-alias --account-alias <alias>"

Ids are ``<SECTION>.<n>[.<n>...]`` with a section name that starts with a letter, so they
can never be the id of a CIS control in any benchmark version (those are numbers). The
controls become :class:`CustomControl` objects appended, in section and number order, to
the selected version's controls, whatever the version: every output shows them like CIS
controls, under their own sections. Any mistake is a :class:`MetadataError` whose
one sentence names the file; the plugin turns it into pytest's usage error.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import yaml

from .. import registry
from ..control_modules import Declared
from ..registry import Control
from .declare import METADATA, CustomSpec, function_prefix

METADATA_FILE = "controls.yaml"
ID = re.compile(r"^(?P<section>[A-Za-z][A-Za-z0-9_-]*)(\.[0-9]+)+$")
# Markers the suite gives meanings of its own: a section of your controls cannot take them.
RESERVED_MARKERS = frozenset({"cis", "custom", "level1", "level2"})
YAML_CONTROL_FIELDS = frozenset({"id", *METADATA})
YAML_SECTION_FIELDS = frozenset({"title", "marker"})


class MetadataError(ValueError):
    """Metadata that cannot be used; the message names the file."""


@dataclass(frozen=True)
class CustomControl(Control):
    """One of a team's own controls, under the selected benchmark version."""

    source: str = ""  # the test file that declares it

    @property
    def order(self) -> tuple:
        return (self.section, *(int(part) for part in self.id.split(".")[1:]))

    @property
    def function_prefix(self) -> str:
        return function_prefix(self.id)

    @property
    def assessment(self) -> str:
        """No benchmark labels a team's own control Automated or Manual: every output leaves it blank."""
        return ""

    @property
    def standard(self) -> str:
        """What the exchange formats (OCSF, ASFF) name as the standard: the section's title."""
        return self.section_title

    def to_dict(self) -> dict:
        """What a findings file keeps of it (cis-merge rebuilds the control from this)."""
        return {"id": self.id, "title": self.title, "level": self.level, "section_title": self.section_title,
                "marker": self.marker, "description": self.description, "console": list(self.console),
                "cli": list(self.cli), "fix": self.fix, "manual_check": self.manual_check}

    @classmethod
    def from_dict(cls, data: dict, version: str) -> "CustomControl":
        return cls(id=data["id"], title=data["title"], level=int(data["level"]), automated=True, unit="",
                   description=data.get("description") or "", console=tuple(data.get("console") or ()),
                   cli=tuple(data.get("cli") or ()), fix=data.get("fix"), manual_check=data.get("manual_check"),
                   benchmark=version, section_title=data["section_title"], marker=data["marker"])


@dataclass
class Catalogue:
    """The run's own controls (for its benchmark version) and their sections' markers."""

    controls: tuple[CustomControl, ...] = ()
    markers: dict[str, str] = field(default_factory=dict)  # marker -> section title


@lru_cache(maxsize=1)
def cis_ids() -> frozenset[str]:
    """Every control id of every benchmark version, and every check's key."""
    return frozenset({c.id for version in registry.benchmarks() for c in registry.controls(version)}
                     | set(registry.checks()))


def catalogue(found: Iterable[Declared], version: str) -> Catalogue:
    """Validate the custom controls among ``found`` and build them for ``version``."""
    declared = [d for d in found if isinstance(d.spec, CustomSpec)]
    if not declared:
        return Catalogue()
    where = _one_declaration_each(declared)
    beside, sections = _files_beside(declared)
    described = _metadata(declared, beside)
    # A section's title may come from any of its controls' decorators: all are read first.
    for control_id, (metadata, source) in described.items():
        if metadata.get("section") is not None:
            _add_section(sections, _section_key(control_id), {"title": metadata["section"]}, source)
    controls = []
    for control_id, item in where.items():
        metadata, source = described[control_id]
        section = sections.get(_section_key(control_id))
        if section is None:
            raise MetadataError(f"{source}: section {_section_key(control_id)} of control {control_id} has no title: "
                                f"give section=... in the decorator or sections: in {METADATA_FILE}")
        controls.append(_control(control_id, metadata, source, section, item, version))
    controls.sort(key=lambda c: c.order)
    return Catalogue(tuple(controls), {s["marker"]: s["title"] for s in sections.values()})


def _section_key(control_id: str) -> str:
    return ID.match(control_id).group("section")


def _one_declaration_each(declared: list[Declared]) -> dict[str, Declared]:
    """Each id's one declaration; a well-formed id, and one test per id (case aside:
    ORG.1 and org.1 would share test names)."""
    where: dict[str, Declared] = {}
    seen: dict[str, Declared] = {}
    for item in declared:
        _check_id(item)
        first = seen.get(item.spec.check.lower())
        if first is not None:
            raise MetadataError(f"{item.path}: control id {item.spec.check} is declared twice, by {first.function} "
                                f"in {first.path} and by {item.function}")
        seen[item.spec.check.lower()] = where[item.spec.check] = item
    return where


def _files_beside(declared: list[Declared]) -> tuple[dict[Path, dict], dict[str, dict]]:
    """Each test folder's controls.yaml (empty without one), and the sections they define."""
    beside: dict[Path, dict] = {}
    sections: dict[str, dict] = {}  # section -> {"title", "marker", "source"}
    for item in declared:
        folder = item.path.parent
        if folder not in beside:
            path = folder / METADATA_FILE
            beside[folder] = _load(path) if path.is_file() else {"sections": {}, "controls": {}}
            for key, section in beside[folder]["sections"].items():
                _add_section(sections, key, section, path)
    for folder, data in beside.items():
        unknown = sorted(set(data["controls"]) - {i.spec.check for i in declared if i.path.parent == folder})
        if unknown:
            raise MetadataError(f"{folder / METADATA_FILE}: no test beside it declares control "
                                f"{', '.join(unknown)} (a typo in the id?)")
    return beside, sections


def _metadata(declared: list[Declared], beside: dict[Path, dict]) -> dict[str, tuple[dict, Path]]:
    """Each id's metadata and the file it came from: its decorator, or controls.yaml beside it."""
    described = {}
    for item in declared:
        control_id, given = item.spec.check, dict(item.spec.metadata)
        in_yaml = beside[item.path.parent]["controls"].get(control_id)
        if given and in_yaml is not None:
            raise MetadataError(f"{item.path}: control {control_id} is described both in its decorator and in "
                                f"{item.path.parent / METADATA_FILE}: keep one")
        described[control_id] = (in_yaml, item.path.parent / METADATA_FILE) if in_yaml is not None else (given, item.path)
    return described


def _check_id(item: Declared) -> None:
    control_id = item.spec.check
    if control_id in cis_ids():
        raise MetadataError(f"{item.path}: {item.function} declares control {control_id}, a CIS AWS Foundations "
                            f"Benchmark id: give your own controls ids of their own, such as ORG.1")
    if not ID.match(control_id):
        raise MetadataError(f"{item.path}: control id {control_id!r} of {item.function} must be a section name "
                            f"starting with a letter, a dot and numbers, such as ORG.1")
    prefix = function_prefix(control_id)
    if not item.function.startswith(prefix):
        raise MetadataError(f"{item.path}: {item.function} declares control {control_id}: name it {prefix}...")


def _load(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MetadataError(f"{path}: cannot be read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise MetadataError(f"{path} is not valid YAML{f' at line {mark.line + 1}' if mark else ''}") from None
    data = data or {}
    if not isinstance(data, dict) or set(data) - {"sections", "controls"}:
        raise MetadataError(f"{path} must be a mapping of sections and controls")
    sections = data.get("sections") or {}
    if not isinstance(sections, dict) or not all(isinstance(s, dict) for s in sections.values()):
        raise MetadataError(f"{path}: sections must map each section name to its title (and marker)")
    controls = {}
    for number, entry in enumerate(data.get("controls") or [], start=1):
        if not isinstance(entry, dict) or "id" not in entry:
            raise MetadataError(f"{path}: control entry {number} must be a mapping with an id")
        if isinstance(entry["id"], (int, float)):
            raise MetadataError(f"{path}: control entry {number}: quote the id ({entry['id']!r} reads as a number)")
        control_id = str(entry["id"])
        unknown = sorted(set(entry) - YAML_CONTROL_FIELDS)
        if unknown:
            raise MetadataError(f"{path}: control {control_id}: unknown field {', '.join(map(str, unknown))} "
                                f"(allowed: {', '.join(sorted(YAML_CONTROL_FIELDS))})")
        if control_id in controls:
            raise MetadataError(f"{path}: control id {control_id} is described twice")
        controls[control_id] = {k: v for k, v in entry.items() if k != "id"}
    return {"sections": {str(k): v for k, v in sections.items()}, "controls": controls}


def _add_section(sections: dict, key: str, given: dict, source: Path) -> None:
    unknown = sorted(set(given) - YAML_SECTION_FIELDS)
    if unknown:
        raise MetadataError(f"{source}: section {key}: unknown field {', '.join(map(str, unknown))} (allowed: title, marker)")
    title = given.get("title")
    if not isinstance(title, str) or not title.strip():
        raise MetadataError(f"{source}: section {key} needs a title")
    marker = str(given.get("marker") or key.lower().replace("-", "_"))
    if not marker.isidentifier() or marker in RESERVED_MARKERS or marker in _cis_markers():
        raise MetadataError(f"{source}: section {key}: marker {marker!r} must be a name of its own "
                            f"(not {', '.join(sorted(RESERVED_MARKERS | _cis_markers()))})")
    known = sections.get(key)
    if known is not None:
        if known["title"] != title.strip():
            raise MetadataError(f"{source}: section {key} is titled {title.strip()!r}, but {known['title']!r} in "
                                f"{known['source']}")
        if "marker" in given and known["marker"] != marker:
            raise MetadataError(f"{source}: section {key} has marker {marker!r}, but {known['marker']!r} in "
                                f"{known['source']}")
        return
    taken = next((other for other, section in sections.items() if section["marker"] == marker), None)
    if taken is not None:
        raise MetadataError(f"{source}: section {key}: marker {marker!r} is section {taken}'s already")
    sections[key] = {"title": title.strip(), "marker": marker, "source": source}


@lru_cache(maxsize=1)
def _cis_markers() -> frozenset[str]:
    return frozenset(s.marker for b in registry.benchmarks().values() for s in b.sections.values())


def _text(value, what: str, control_id: str, source: Path) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise MetadataError(f"{source}: control {control_id}: {what} must be text")
    return value


def _control(control_id: str, metadata: dict, source: Path, section: dict, item: Declared,
             version: str) -> CustomControl:
    title = _text(metadata.get("title"), "title", control_id, source)
    if not title or not title.strip():
        raise MetadataError(f"{source}: control {control_id} has no title: give title=... in the decorator or "
                            f"describe it in {METADATA_FILE} beside it")
    level = metadata.get("level", 1)
    if level not in (1, 2) or isinstance(level, bool):
        raise MetadataError(f"{source}: control {control_id}: level must be 1 or 2, not {level!r}")
    remediation = metadata.get("remediation") or {}
    if not isinstance(remediation, dict) or set(remediation) - {"console", "cli"} or not all(
            isinstance(steps, list) and all(isinstance(s, str) for s in steps) for steps in remediation.values()):
        raise MetadataError(f"{source}: control {control_id}: remediation must be a mapping of console and cli "
                            f"to lists of text")
    description = _text(metadata.get("description"), "description", control_id, source) or ""
    return CustomControl(
        id=control_id,
        title=" ".join(title.split()),
        level=level,
        automated=not item.spec.manual,
        unit="",
        description=" ".join(description.split()),
        console=tuple(remediation.get("console", ())),
        cli=tuple(remediation.get("cli", ())),
        fix=_text(metadata.get("fix"), "fix", control_id, source),
        manual_check=_text(metadata.get("manual_check"), "manual_check", control_id, source),
        benchmark=version,
        section_title=section["title"],
        marker=section["marker"],
        source=str(item.path),
    )
