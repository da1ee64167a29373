"""Python's cycle collector, tuned for the run and given back as it was: the ``cis-gc`` plugin.

An audit keeps tens of thousands of long-lived objects (items, units, reports) that Python's
cycle collector would otherwise traverse again and again (a third of a replay's CPU at
organisation scale), and pytest ends every session with five full collections (looking for
unraisable exceptions). So, for the whole process's collector, from configure on:

* it runs less often (RUN_GC_THRESHOLDS);
* what exists when collection ends, and again when the session ends, is moved out of its way
  (gc.freeze);
* both are undone by a cleanup registered before pytest's, so it runs after them, and a program
  that runs pytest in-process gets its collector back as it was
  (tests/spine/test_garbage_collector.py);
* at interpreter exit Python makes one last full collection of everything still alive (4 s
  of a 20 s replay at organisation scale) to free memory the operating system takes back
  anyway: freezing again at exit (an atexit handler, registered once per process) skips it.

Measured in docs/PERFORMANCE.md (the cycle collector, measured apart with gc.callbacks).
"""
from __future__ import annotations

import atexit
import gc

import pytest

NAME = "cis-gc"
# The thresholds for the whole audit, from the moment it is configured (Python's default:
# 700, 10, 10). Measured on a 23,693-unit replay: 7.2 s of collection in 5,717 runs by default
# while tests ran, 2.5 s in 85 with these; applying them before evidence and collection too
# saved another 0.5 s. Peak memory unchanged.
RUN_GC_THRESHOLDS = (50_000, 20, 100)
_freeze_at_exit_registered = False


class GcTuning:
    def __init__(self, config: pytest.Config):
        self._gc_thresholds = gc.get_threshold()
        gc.set_threshold(*RUN_GC_THRESHOLDS)
        config.add_cleanup(self._restore_gc)

    # Collection leaves cyclic garbage behind (the Functions pytest made and ControlItems
    # replaced: a node and its keywords refer to each other), which the raised thresholds have
    # not yet collected. Frozen, it would stay for the whole run (half the Functions, 11,000 at
    # 19 accounts): so one full collection first.
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        gc.collect()
        gc.freeze()

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        gc.freeze()

    def _restore_gc(self) -> None:
        global _freeze_at_exit_registered
        gc.set_threshold(*self._gc_thresholds)
        gc.unfreeze()
        if not _freeze_at_exit_registered:
            atexit.register(gc.freeze)
            _freeze_at_exit_registered = True
