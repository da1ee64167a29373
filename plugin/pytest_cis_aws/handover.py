"""Handing the controller's evidence to xdist workers, through a snapshot file.

The controller reserves the file's name at configure (workers are told it when they start,
before the evidence exists), writes the snapshot once it has gathered, and removes it at
the end (``SnapshotHandOver``, ``cis-handover``). A worker waits for the file and loads it
(``ControllerSnapshot``, ``cis-controller-snapshot``): AWS is read once, by the controller.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest

NAME = "cis-handover"
WORKER_NAME = "cis-controller-snapshot"
WORKER_SNAPSHOT = "cis_snapshot"  # the workerinput key naming the file
# How long an xdist worker waits for the controller's evidence (a live audit of a large
# organisation takes minutes; the controller stops its workers if it fails first).
WORKER_WAIT_S = 6 * 3600.0
POLL_S = 0.05


class SnapshotHandOver:
    """On an xdist controller that starts workers."""

    def __init__(self):
        self.path = Path(tempfile.mkdtemp(prefix="cis-evidence-")) / "snapshot.json"

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node) -> None:
        node.workerinput[WORKER_SNAPSHOT] = str(self.path)

    def write(self, audit) -> None:
        audit.write_snapshot(self.path)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus) -> None:
        shutil.rmtree(self.path.parent, ignore_errors=True)  # written or not


class ControllerSnapshot:
    """On an xdist worker: the audit's evidence is the controller's."""

    def __init__(self, config: pytest.Config, audit):
        self.config = config
        self.audit = audit

    # A wrapper, as the controller's gathering (gathering.py): once every plugin's sessionstart has run.
    @pytest.hookimpl(wrapper=True)
    def pytest_sessionstart(self, session: pytest.Session):
        yield
        self.audit.load(await_snapshot(Path(self.config.workerinput[WORKER_SNAPSHOT])))


def await_snapshot(path: Path) -> Path:
    """A worker starts while the controller is still gathering: wait for its snapshot."""
    deadline = time.monotonic() + WORKER_WAIT_S
    while not path.exists():
        if time.monotonic() > deadline:
            raise pytest.UsageError(f"the controller wrote no evidence snapshot ({path}) in {WORKER_WAIT_S:.0f} s")
        time.sleep(POLL_S)
    return path
