"""Where our CIS controls are, and whether a run collects them (the audit's on switch).

The audit is on when a run collects *our* controls: the installed ``pytest_cis_aws.cis_checks``
package, or the ``cis_checks/`` folder of a checkout of this project (the folder beside
``plugin/pytest_cis_aws/``). A folder is recognised by where it is, never by its name alone:
a team's own repository may well have a ``cis_checks/`` folder of its own.

With an audit option (``--aws-accounts``, ``--aws-demo``, ``--aws-snapshot``) and no test path on
the command line, the run collects the installed controls wherever pytest runs, so a CI job
that only installed the package can run ``pytest --aws-accounts ...``.

Light on purpose: the pytest11 entry point calls it on every pytest run.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

PACKAGE = "pytest_cis_aws.cis_checks"
FOLDER = "cis_checks"
AUDIT_OPTIONS = ("aws_accounts", "aws_demo", "aws_snapshot")


def installed_controls() -> Path | None:
    """The folder the importable pytest_cis_aws.cis_checks lives in (a checkout's, when editable)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]).resolve()


def is_checkout_controls(folder: Path) -> bool:
    """A checkout's cis_checks/: the folder beside plugin/pytest_cis_aws/ in this project's layout."""
    return (
        folder.name == FOLDER
        and (folder / "__init__.py").is_file()
        and (folder.parent / "plugin" / "pytest_cis_aws" / "__init__.py").is_file()
    )


def start_paths(config: pytest.Config) -> list[Path]:
    """The files and folders this run collects from (node ids reduced to their file)."""
    found = []
    for arg in config.args:
        text = str(arg).split("::")[0]
        if config.option.pyargs and not Path(text).exists():
            try:
                spec = importlib.util.find_spec(text)
            except (ImportError, ValueError):
                spec = None
            if spec is not None and spec.submodule_search_locations:
                found.extend(Path(p) for p in spec.submodule_search_locations)
            elif spec is not None and spec.origin:
                found.append(Path(spec.origin))
            continue
        found.append(Path(text))
    return [p.resolve() for p in found if p.exists()]


def _ours(folder: Path, installed: Path | None) -> bool:
    return folder == installed or is_checkout_controls(folder)


def _reaches(path: Path, installed: Path | None) -> bool:
    """Does collecting ``path`` collect our controls?"""
    # The controls folder itself, a file or folder inside it, or the folder right above it
    # (a checkout's root, as `pytest .` there; the installed package).
    return any(_ours(folder, installed) for folder in (path, *path.parents, path / FOLDER))


def audits_controls(config: pytest.Config) -> bool:
    """True when this run collects our controls (not, say, our own tests/ or a user's project)."""
    installed = installed_controls()
    return any(_reaches(path, installed) for path in start_paths(config))


def _auditing(config: pytest.Config) -> bool:
    return any(config.getoption(name) for name in AUDIT_OPTIONS)


def collect_installed_when_auditing(config: pytest.Config) -> None:
    """Point an audit at the installed controls when the command line does not.

    * An audit option and no test path: the installed controls are collected.
    * A test id printed by such a run names its file relative to the controls folder
      (``test_iam.py::test_1_10_...[...]``, the folder being outside the project): pasted
      back, it names the installed file again, so the test runs again.
    """
    if not _auditing(config):
        return
    installed = installed_controls()
    if installed is None:
        return
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        if not audits_controls(config):  # a checkout's testpaths already hold the controls
            config.args[:] = [str(installed)]
        return
    if config.option.pyargs:
        return
    for index, arg in enumerate(config.args):
        path, sep, rest = str(arg).partition("::")
        relative = Path(path)
        if not relative.is_absolute() and not (config.invocation_params.dir / relative).exists() \
                and (installed / relative).exists():
            config.args[index] = str(installed / relative) + sep + rest
