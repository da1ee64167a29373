"""Every file an audit can write besides the findings file and the HTML report, in one table.

A run (``report/report_writers.py``) and ``cis-merge`` (``merge.py``) both take their options from
this table and write whatever was asked through it, so a format added here is offered and
written by both: the merge cannot forget it.

The table is light on purpose: the pytest11 entry point reads it to add the options, and a
pytest run that audits nothing must not pay for the renderers. Each writer is named as
``module:function`` and imported only when its file is written.

A writer reads the findings through ``state.sorted_findings()`` as a stream, and keeps
none: under cis-merge that is a merge of the shards' files read as it goes (merging/state.py,
a million findings at organisation scale), ``state.findings`` is not a list, and the counts
come from the state's methods (``totals()``, ``per_control()``, ``noted_findings()``...).
The merge may run writers in forked processes side by side.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

DEFAULT_ASFF_REGION = "us-east-1"
# The HTML report a run (inside pytest-html's page) and cis-merge (a page of its own) write by default.
DEFAULT_HTML = "reports/report.html"
DEFAULT_HISTORY_KEEP = 400


class SettingError(ValueError):
    """A bad value for a writer's setting; the message is one sentence naming the option."""


@dataclass(frozen=True)
class WriteContext:
    """What some writers need beyond the findings: how the run was started, and where to."""

    command: str
    asff_region: str = DEFAULT_ASFF_REGION
    history_keep: int = DEFAULT_HISTORY_KEEP  # runs the --cis-history file keeps


def _at_least_one(flag: str, raw) -> int:
    try:
        value = int(str(raw))
    except ValueError:
        raise SettingError(f"{flag} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise SettingError(f"{flag} must be at least 1")
    return value


@dataclass(frozen=True)
class Setting:
    """An option that tunes a writer (not a file of its own): offered by a run and cis-merge alike."""

    flag: str
    field: str  # the WriteContext field it sets
    metavar: str
    default: object
    help: str
    convert: Callable[[str, object], object]  # (flag, raw value) -> value; SettingError if bad

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")


SETTINGS: tuple[Setting, ...] = (
    Setting("--cis-history-keep", "history_keep", "N", DEFAULT_HISTORY_KEEP,
            f"runs kept in the --cis-history file, the oldest dropped first (default: {DEFAULT_HISTORY_KEEP})",
            _at_least_one),
)


def context(command: str, get: Callable[[str], object]) -> WriteContext:
    """The writers' context from the options (a run's or cis-merge's); SettingError if one is bad."""
    values = {s.field: s.convert(s.flag, get(s.dest)) for s in SETTINGS}
    return WriteContext(command, str(get("cis_asff_region") or DEFAULT_ASFF_REGION), **values)


@dataclass(frozen=True)
class Output:
    flag: str  # the option, the same for a run and for cis-merge: "--cis-csv"
    help: str
    writer: str  # "module:function", relative to this package; called as fn(state, path, context)

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")

    def load(self) -> Callable:
        module, function = self.writer.split(":")
        return getattr(importlib.import_module(module, __package__), function)

    def write(self, state, path: Path, context: WriteContext) -> None:
        self.load()(state, path, context)


OUTPUTS: tuple[Output, ...] = (
    Output("--cis-csv", "also write the findings as CSV, one row per finding, to PATH", ".csv_out:write_file"),
    Output("--cis-md", "also write the totals and compliance summary as Markdown (CI logs, pull-request comments) to PATH",
           ".markdown:write_file"),
    Output("--cis-ocsf", "also write every finding as an OCSF Compliance Finding (JSON Lines) to PATH", ".ocsf:write_file"),
    Output("--cis-asff", "also write the findings in AWS Security Finding Format, for securityhub batch-import-findings, to PATH",
           ".asff:write_file"),
    Output("--cis-oscal", "also write the run as an OSCAL assessment-results document (JSON) to PATH",
           ".oscal:write_file"),
    Output("--cis-history", "append this run's scores to the history file PATH (JSON Lines) and draw the trend "
           "in the HTML report", ".history:write_file"),
    Output("--cis-fixes", "also write every failing unit's fix as one shell script, grouped by account and region, "
           "for a person to review and run, to PATH", "..fixes.script:write_file"),
)


def requested(get: Callable[[str], object]) -> list[tuple[Output, Path]]:
    """The outputs asked for, with their paths; ``get`` reads an option by its dest."""
    return [(output, Path(str(get(output.dest)))) for output in OUTPUTS if get(output.dest)]


def write_requested(state, get: Callable[[str], object], context: WriteContext) -> list[Path]:
    """Write every requested output; the paths written, in the table's order."""
    written = []
    for output, path in requested(get):
        output.write(state, path, context)
        written.append(path)
    return written
