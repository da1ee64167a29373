"""Both cores for a merge: independent steps (counting a shard, writing a file) in forked
processes. A forked child shares the parent's summary state as it stands, so nothing but
the step's index and its small result crosses between processes. Where fork is not
available (Windows, macOS's default), or with one job, the steps run one after another."""
from __future__ import annotations

import multiprocessing
import os
from typing import Callable, Sequence

_STEPS: Sequence[Callable] = ()


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _run(index: int):
    return _STEPS[index]()


def run_all(steps: Sequence[Callable], jobs: int) -> list:
    """Each step's result, in order; up to ``jobs`` at a time."""
    global _STEPS
    jobs = min(jobs, len(steps))
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [step() for step in steps]
    _STEPS = steps
    try:
        with multiprocessing.get_context("fork").Pool(jobs, maxtasksperchild=1) as pool:
            return pool.map(_run, range(len(steps)), chunksize=1)
    finally:
        _STEPS = ()
