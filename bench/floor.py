"""The floor: what pytest and pytest-html alone cost for as many tests as a replay has units.

A file of trivial parametrised tests, half of them failing, run with pytest-html on and
nothing of ours. A replay is judged against it, timed alternately in the same run (ours,
floor, ours, floor, ...) so both see the same machine load.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from .measure import Measured, _children_cpu_s, _peak_rss_mib

FLOOR_TEST = '''import pytest


@pytest.mark.parametrize("i", range({units}))
def test_x(i):
    assert i % 2
'''


def floor_command(test_file: Path, html: Path) -> list[str]:
    """The floor's command, as docs/PERFORMANCE.md records it."""
    return [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=no",
        "-p", "pytest_metadata.plugin", "-p", "pytest_html.plugin", str(test_file),
        f"--html={html}", "--self-contained-html",
    ]


def write_floor(units: int, out: Path) -> Path:
    folder = out / "floor"
    folder.mkdir(parents=True, exist_ok=True)
    test_file = folder / "test_floor.py"
    test_file.write_text(FLOOR_TEST.format(units=units))
    return test_file


def run_floor(label: str, test_file: Path, out: Path) -> Measured:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    started = time.perf_counter()
    done = subprocess.run(floor_command(test_file, test_file.parent / "floor.html"), cwd=test_file.parent, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - started
    (out / f"{label}.log").write_bytes(done.stdout)
    return Measured(label, wall, _peak_rss_mib(), done.returncode, cpu_s=_children_cpu_s())


def floor_in_fresh_process(label: str, test_file: Path, units: int, out: Path) -> Measured:
    """:func:`run_floor` in its own helper process, so its peak RSS is its own."""
    import json

    request = json.dumps({"label": label, "test_file": str(test_file), "out": str(out)})
    done = subprocess.run([sys.executable, "-m", "bench.floor"], input=request, capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], check=True)
    row = json.loads(done.stdout.strip().splitlines()[-1])
    return Measured(label, row["wall"], row["peak_rss_mib"], row["returncode"], tests=units, cpu_s=row.get("cpu_s"))


if __name__ == "__main__":  # one measurement in a fresh process (see measure.measured_in_fresh_process)
    import json

    request = json.loads(sys.stdin.read())
    result = run_floor(request["label"], Path(request["test_file"]), Path(request["out"]))
    print(json.dumps({"wall": result.wall, "peak_rss_mib": result.peak_rss_mib, "returncode": result.returncode,
                      "cpu_s": result.cpu_s}))
