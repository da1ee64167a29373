"""The wheel carries every package of the source tree.

pyproject.toml lists the packages one by one, because the controls (cis_checks/ at the root)
are mapped into the package from another folder and setuptools' finder looks in one. A new
subpackage left out of the list is missing from every non-editable install, while an
editable one (ours) still imports it: this test catches it in a second, the wheel test
(test_wheel_install.py) in a minute.
"""
from __future__ import annotations

from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")

REPO = Path(__file__).resolve().parents[2]


def test_every_package_of_the_source_tree_is_listed_for_the_wheel():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    source = REPO / config["package-dir"][""]
    on_disk = {
        ".".join(init.parent.relative_to(source).parts)
        for init in source.rglob("__init__.py") if "__pycache__" not in init.parts
    }
    on_disk.add("pytest_cis_aws.cis_checks")  # mapped from the root's cis_checks/
    assert (REPO / config["package-dir"]["pytest_cis_aws.cis_checks"] / "__init__.py").is_file()
    assert sorted(config["packages"]) == sorted(on_disk), "pyproject.toml's [tool.setuptools] packages"
