"""Which process this is: a plain run, the xdist controller, or an xdist worker."""
from __future__ import annotations

import pytest


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def is_controller(config: pytest.Config) -> bool:
    """True on the process that gathers evidence and writes reports (not an xdist worker)."""
    return not is_worker(config)


def uses_xdist(config: pytest.Config) -> bool:
    """True on an xdist controller that will start workers."""
    return is_controller(config) and bool(getattr(config.option, "numprocesses", None)) and not getattr(
        config.option, "collectonly", False
    )
