"""Which process this is: a plain run, the xdist controller, or an xdist worker.

Asked once, at configure (entry.py), which registers each process's plugins accordingly:
no hook asks again.
"""
from __future__ import annotations

import pytest


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def uses_xdist(config: pytest.Config) -> bool:
    """True on an xdist controller that will start workers."""
    return not is_worker(config) and bool(getattr(config.option, "numprocesses", None)) and not getattr(
        config.option, "collectonly", False
    )
