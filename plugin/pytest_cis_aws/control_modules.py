"""Finding the control tests before pytest collects them.

Evidence is gathered once, on the controller, before collection: the xdist controller
never collects at all (its workers do, from its snapshot), and a plain run reads AWS
faster when every selected control's units are gathered at once rather than module by
module. So the controller reads the ``cis`` marks of the control test files it is pointed
at, importing each under the very name pytest's collection gives it
(``pytest_internals.import_test_module``): pytest's own import later in this process finds
the module in ``sys.modules``, so a file is never imported twice under two names (xdist
workers, which collect, import it themselves).

Only the checks these files declare are gathered, and only for the selected benchmark
version's selected controls: a version's evidence is all a run reads.

The files are read once per run (:func:`declared`, kept on the config): a team's own
controls (``plugin/pytest_cis_aws/custom``) are found in the same scan, at configure time, because
their metadata decides which controls the run selects.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pytest

from . import pytest_internals
from .locate import start_paths
from .controls import ControlSpec, spec_of_function


@dataclass(frozen=True)
class Declared:
    """One control test found in a file this run collects."""

    path: Path
    function: str
    spec: ControlSpec


_DECLARED = pytest.StashKey["list[Declared]"]()


def python_files_under(paths: Iterable[Path], patterns: Iterable[str]) -> list[Path]:
    patterns = list(patterns)
    files: set[Path] = set()
    for path in paths:
        if path.is_file() and path.suffix == ".py":
            files.add(path)
        elif path.is_dir():
            files.update(
                f for f in path.rglob("*.py")
                if any(fnmatch.fnmatch(f.name, p) for p in patterns) and "__pycache__" not in f.parts
            )
    return sorted(files)


def _import(config: pytest.Config, path: Path):
    try:
        return pytest_internals.import_test_module(config, path)
    except Exception:  # noqa: BLE001 - pytest's own collection reports the import error
        return None


def declared(config: pytest.Config) -> list[Declared]:
    """Every control test in the files this run collects, in file order (scanned once per run)."""
    if _DECLARED not in config.stash:
        found = []
        for path in python_files_under(start_paths(config), config.getini("python_files")):
            module = _import(config, path)
            for name, obj in (vars(module) if module else {}).items():
                spec = spec_of_function(obj) if name.startswith("test") else None
                if spec is not None:
                    found.append(Declared(path, name, spec))
        config.stash[_DECLARED] = found
    return config.stash[_DECLARED]


def control_specs(config: pytest.Config) -> dict[str, ControlSpec]:
    """Every check declared in the files this run collects, by check key."""
    specs: dict[str, ControlSpec] = {}
    for found in declared(config):
        specs.setdefault(found.spec.check, found.spec)
    return specs
