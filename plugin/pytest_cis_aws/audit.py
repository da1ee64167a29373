"""The audit: what every process of a run shares, built once at configure, registered as ``cis-audit``.

It holds the options, the selected controls, the gate, and the evidence: the inventory, its
reader and each selected check's units. The controller fills the evidence (gathering.py,
AWS read once); an xdist worker loads the controller's snapshot (handover.py), so every
process parametrises from the same sorted inventory. The hooks are the plugins' of each job:
selection (control_selection.py) and outcomes (outcome_decisions.py) on every process;
gathering, the hand-over, the findings file (findings_writer.py), gating's exit status,
the console and the reports on the controller only (entry.py decides which, once).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from . import controls as control_decl
from . import registry
from .audit_options import AuditOptions
from .aws import snapshot
from .aws.reader import AwsReader
from .collectors.base import Unit
from .collectors.estate import Estate
from .collectors.inventory import Inventory
from .control_selection import select
from .entry import AUDIT
from .gating.gate import Gate
from .registry import Control

NAME = AUDIT  # the name is the entry point's, which registers this object under it


class CisAudit:
    def __init__(self, config: pytest.Config, options: AuditOptions, custom_controls: tuple[Control, ...] = ()):
        self.config = config
        self.options = options
        config.stash[control_decl.OPTIONS] = options  # thresholds a control reads while it runs (controls.audit_options)
        self.benchmark = registry.benchmark(options.benchmark)
        # A team's own controls (plugin/pytest_cis_aws/custom) follow the version's, under sections of their own.
        self.selected = select(options, custom_controls)
        # The selected controls of the version, by the check that evaluates each.
        self.selected_checks: dict[str, Control] = {c.check: c for c in self.selected}
        self.gate = Gate(options.gating, custom_controls)
        self.inventory: Inventory | None = None
        self.reader: AwsReader | None = None
        # Each selected check's units (or the error its unit source raised), gathered once.
        self.units: dict[str, list[Unit] | Exception] = {}

    def load(self, path: Path) -> None:
        """The evidence from a snapshot: --aws-snapshot, or the controller's on a worker."""
        try:
            data = snapshot.read(path)
        except snapshot.SnapshotError as exc:
            raise pytest.UsageError(str(exc)) from None
        self.reader = AwsReader(None, data["calls"])
        self.inventory = Inventory(Estate.from_dict(data["estate"]), self.reader, self.options.max_workers)

    def write_snapshot(self, path: Path) -> None:
        snapshot.write(
            path,
            {"estate": self.inventory.estate.to_dict(), "calls": self.reader.entries, "stats": self.reader.call_stats()},
        )
