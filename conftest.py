"""Root conftest: nothing of its own.

The audit plugin is registered once, by the ``pytest11`` entry point in pyproject.toml
(``pytest_cis_aws.entry``), not here. Our own tests' fixtures (pytester included) are in
``tests/conftest.py``: a ``pytest_plugins`` line here would be refused when an editable
install's controls (``cis_checks/`` below this folder) are collected from another project.
"""
