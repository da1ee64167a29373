"""The running audit's options, for the few controls that have a threshold option.

Control tests take exactly one argument (their unit), so a threshold such as
``--cis-root-use-days`` (control 1.7) is read here. ``CisAudit`` sets it when it is
created; every process (controller, xdist worker, in-process pytester run) creates
its own, so the value is always the current run's.
"""
from __future__ import annotations

from .options import AuditOptions

_current: AuditOptions | None = None


def set_current(options: AuditOptions) -> None:
    global _current
    _current = options


def current() -> AuditOptions:
    if _current is None:
        raise RuntimeError("no CIS audit is running: its options are not known")
    return _current
