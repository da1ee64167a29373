"""Where a run's memory goes, by phase: a pytest plugin for diagnosis, not a target.

Load it into any run of the audit (or the floor) with ``-p bench.rss_phases`` from the
repository's root; it writes the resident set size at each phase's start and end, and the
peak sampled within each phase (every 50 ms), to ``$RSS_PHASES_OUT`` (default: stderr)::

    RSS_PHASES_OUT=/tmp/phases.txt python -m pytest cis_checks -p bench.rss_phases \\
        --aws-snapshot /tmp/g1-s3/org.snapshot.json --html /tmp/org.html --self-contained-html

The phases are pytest's own: collection, the test loop, the session's end (where every
output is written: ours first, then pytest-html's page) and the terminal summary.
docs/PERFORMANCE.md gives what it showed at 95 accounts (issue 21, goal 1).
"""
from __future__ import annotations

import os
import resource
import sys
import threading
import time

import pytest

SAMPLE_EVERY_S = 0.05
_PAGE_MIB = os.sysconf("SC_PAGE_SIZE") / 2**20


def rss_mib() -> float:
    """This process's resident set size now (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE_MIB


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class RssPhases:
    def __init__(self):
        self.started = time.perf_counter()
        self.phase = "start"
        self.peaks: dict[str, float] = {}
        self.lines: list[str] = []
        self._stop = threading.Event()
        threading.Thread(target=self._sample, daemon=True, name="rss-phases").start()

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_EVERY_S):
            phase = self.phase
            self.peaks[phase] = max(self.peaks.get(phase, 0.0), rss_mib())

    def enter(self, phase: str) -> None:
        self.phase = phase
        self.lines.append(f"{time.perf_counter() - self.started:8.2f} s  {phase:22s} rss {rss_mib():8.1f} MiB  "
                          f"max so far {max_rss_mib():8.1f} MiB")

    def wrap(self, name: str):
        """A hook wrapper marking the hook's start and end as two phases."""

        @pytest.hookimpl(wrapper=True, tryfirst=True)
        def wrapper(*args, **kwargs):
            self.enter(name)
            try:
                return (yield)
            finally:
                self.enter(f"after {name}")

        return wrapper

    def report(self) -> str:
        self._stop.set()
        peaks = [f"  {phase:22s} {peak:8.1f} MiB" for phase, peak in self.peaks.items()]
        return "\n".join([*self.lines, "peak sampled in each phase:", *peaks, f"peak RSS {max_rss_mib():.1f} MiB", ""])


_PHASES = RssPhases()
pytest_collection = _PHASES.wrap("collection")
pytest_runtestloop = _PHASES.wrap("test loop")
pytest_sessionfinish = _PHASES.wrap("session end")
pytest_terminal_summary = _PHASES.wrap("terminal summary")


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    text = _PHASES.report()
    target = os.environ.get("RSS_PHASES_OUT")
    if target:
        with open(target, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stderr.write(text)
