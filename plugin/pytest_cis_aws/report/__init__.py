"""Renderers of the summary state: terminal, findings JSON, CSV, Markdown, and the HTML
report inside pytest-html (wired by the ``cis-report`` plugin in ``report_writers.py``)."""
