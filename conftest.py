"""Root conftest: our own tests drive the audit in-process with pytester.

The audit plugin itself is registered once, by the ``pytest11`` entry point in
pyproject.toml (``pytest_cis_aws.entry``), not here.
"""
pytest_plugins = ["pytester"]
