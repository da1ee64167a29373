"""What the installed plugin costs a pytest run that audits nothing.

The pytest11 entry point is loaded by every pytest run in an environment where the package
is installed. A foreign project of one passing test is run with the plugin and with it
disabled (``-p no:cis_aws``), alternately, so both see the same machine load; the figures
are the medians of wall time and of each run's own peak RSS (``os.wait4``).

    python -m bench load --rounds 20
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_EXTRA_MS = 30.0
ONE_TEST = "def test_one():\n    assert 1 + 1 == 2\n"


def load_command(test_file: Path, disabled: bool) -> list[str]:
    """The command, as docs/PERFORMANCE.md records it."""
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file),
            *(["-p", "no:cis_aws"] if disabled else [])]


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MiB and exit status of one run, in its own process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, process.returncode


def plugin_load(rounds: int, out: Path) -> list[dict]:
    project = out / "one-test-project"  # no ini file, no conftest: nothing of ours but the entry point
    project.mkdir(parents=True, exist_ok=True)
    test_file = project / "test_one.py"
    test_file.write_text(ONE_TEST)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}  # entry points load as usual
    samples: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for disabled in (False, True):  # one warm-up each: the first run pays for cold file caches
        _run(load_command(test_file, disabled), project, env)
    for _ in range(rounds):
        for disabled in (False, True):
            wall, rss, code = _run(load_command(test_file, disabled), project, env)
            if code != 0:
                raise SystemExit(f"the one-test project failed (exit {code}): {' '.join(load_command(test_file, disabled))}")
            samples[disabled].append((wall, rss))

    def median(disabled: bool, index: int) -> float:
        return statistics.median(sample[index] for sample in samples[disabled])

    with_ms, without_ms = median(False, 0) * 1000, median(True, 0) * 1000
    extra = with_ms - without_ms
    return [
        {"run": "one test, plugin loaded", "wall_ms": round(with_ms, 1), "peak_rss_mib": round(median(False, 1), 1)},
        {"run": "one test, -p no:cis_aws", "wall_ms": round(without_ms, 1), "peak_rss_mib": round(median(True, 1), 1)},
        {"run": f"plugin's cost ({rounds} rounds, medians)", "wall_ms": round(extra, 1),
         "ratio": round(with_ms / without_ms, 3),
         "peak_rss_mib": round(median(False, 1) - median(True, 1), 1),
         "target": f"<= {TARGET_EXTRA_MS:.0f} ms: {'met' if extra <= TARGET_EXTRA_MS else 'MISSED'}"},
    ]
