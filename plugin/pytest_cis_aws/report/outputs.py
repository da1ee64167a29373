"""Every file an audit can write besides the findings file and the HTML report, in one table.

A run (``report/plugin.py``) and ``cis-merge`` (``merge.py``) both take their options from
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


@dataclass(frozen=True)
class WriteContext:
    """What some writers need beyond the findings: how the run was started, and where to."""

    command: str
    asff_region: str = DEFAULT_ASFF_REGION


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
