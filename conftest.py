"""Registers the CIS audit plugin for every pytest run from this repository.

The plugin is registered here and only here (there is no pytest11 entry point), so
``pytest`` over cis_checks/ audits AWS, and ``pytest tests`` runs our own tests with
the plugin's options available but the audit dormant. pytester drives the audit
in-process from our own tests.
"""
pytest_plugins = ["plugin.entry", "pytester"]
