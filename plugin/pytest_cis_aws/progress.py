"""Progress while evidence is gathered: a long run says how far it is and how long is left.

On a terminal, one live line rewritten in place; in CI (output not a terminal), a plain line
about every ``CI_INTERVAL_S`` seconds, so a log shows the run is alive without flooding it.
Both are silent under ``-q -q`` (the audit does not create this object then).

Evidence is gathered check by check, each check reading its evidence from every account at
once (plugin/pytest_cis_aws/gathering.py, ``_gather_units``), so accounts finish together at
the end; the line counts checks done of the total, with the accounts they cover, the AWS calls made so far, the
time elapsed and an estimate of the time left (from the pace of the checks done so far).
"""
from __future__ import annotations

import time
from typing import Callable

TTY_INTERVAL_S = 0.25
CI_INTERVAL_S = 10.0


def duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


class GatherProgress:
    def __init__(self, reporter, checks: int, accounts: int, calls: Callable[[], int], *, tty: bool,
                 clock: Callable[[], float] = time.monotonic):
        self.reporter = reporter  # pytest's terminal reporter
        self.checks = checks
        self.accounts = accounts
        self.calls = calls
        self.tty = tty
        self.clock = clock
        self.interval = TTY_INTERVAL_S if tty else CI_INTERVAL_S
        self.started = clock()
        self.done = 0
        self._last_shown = self.started
        self._live = False  # a live line is on screen, to be overwritten

    def check_done(self) -> None:
        self.done += 1

    def tick(self) -> None:
        """Show the progress line if it is time to (called by the thread that waits for the pool)."""
        now = self.clock()
        if now - self._last_shown < self.interval:
            return
        self._last_shown = now
        text = self.line(now)
        if self.tty:
            self.reporter.rewrite(text, erase=True)
            self._live = True
        else:
            self.reporter.write_line(text)

    def line(self, now: float) -> str:
        elapsed = now - self.started
        text = (f"cis: evidence: {self.done} of {self.checks} checks over {self.accounts} "
                f"account{'s' if self.accounts != 1 else ''}, {self.calls()} AWS calls, {duration(elapsed)} elapsed")
        if 0 < self.done < self.checks:
            text += f", about {duration(elapsed / self.done * (self.checks - self.done))} left"
        return text

    def finish(self) -> None:
        text = (f"cis: evidence gathered: {self.checks} checks over {self.accounts} "
                f"account{'s' if self.accounts != 1 else ''}, {self.calls()} AWS calls in "
                f"{duration(self.clock() - self.started)}")
        if self._live:
            self.reporter.rewrite(text, erase=True)
            self.reporter.write("\n")
        else:
            self.reporter.write_line(text)
