"""Prowler on the same estate and the same latency, for comparison (nothing of Prowler is ours).

Prowler 5.x is installed with pip into its own virtual environment inside the bench
(``bench/.prowler-venv``, ignored by git) the first time it is needed, and run as its CLI
with ``--compliance cis_2.0_aws`` against the same endpoint our audit uses: the moto server
behind the delaying proxy (bench/latency.py), with the same fake credentials.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from .measure import Measured, _peak_rss_mib, cli_env

VENV = Path(__file__).resolve().parent / ".prowler-venv"
REQUIREMENT = "prowler>=5,<6"
FRAMEWORK = "cis_2.0_aws"


def prowler_bin() -> Path:
    """Prowler's CLI, installed into the bench's own venv if it is not there yet."""
    binary = VENV / "bin" / "prowler"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", REQUIREMENT], check=True)
    return binary


def prowler_env(endpoint: str) -> dict[str, str]:
    env = cli_env(endpoint)
    # Anything Prowler might try to reach beyond the endpoint fails at once, locally.
    env.update(HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9", NO_PROXY="127.0.0.1,localhost",
               HOME=str(VENV))
    return env


def run_prowler(label: str, regions: list[str], endpoint: str, out: Path) -> Measured:
    folder = out / label
    folder.mkdir(parents=True, exist_ok=True)
    argv = [str(prowler_bin()), "aws", "--compliance", FRAMEWORK, "--region", *regions, "--no-banner",
            "--output-directory", str(folder), "--output-formats", "csv", "--ignore-exit-code-3", "--log-level", "ERROR"]
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=folder, env=prowler_env(endpoint), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - started
    (out / f"{label}.log").write_bytes(done.stdout)
    return Measured(label, wall, _peak_rss_mib(), done.returncode, tests=_findings(folder))


def _findings(folder: Path) -> int:
    """Prowler's findings (rows of its CSV output), for the table; 0 when none were written."""
    rows = 0
    for csv_file in folder.rglob("*.csv"):
        if "compliance" not in csv_file.parts:
            rows += max(0, sum(1 for _ in csv_file.open(encoding="utf-8", errors="replace")) - 1)
    return rows


if __name__ == "__main__":  # one measurement in a fresh process, so its peak RSS is its own
    import json

    request = json.loads(sys.stdin.read())
    result = run_prowler(request["label"], request["regions"], request["endpoint"], Path(request["out"]))
    print(json.dumps({"wall": result.wall, "peak_rss_mib": result.peak_rss_mib, "returncode": result.returncode,
                      "tests": result.tests}))


def prowler_in_fresh_process(label: str, regions: list[str], endpoint: str, out: Path) -> Measured:
    import json

    prowler_bin()  # install first: not part of the measurement
    request = json.dumps({"label": label, "regions": regions, "endpoint": endpoint, "out": str(out)})
    done = subprocess.run([sys.executable, "-m", "bench.prowler"], input=request, capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], check=True, env={**os.environ})
    row = json.loads(done.stdout.strip().splitlines()[-1])
    return Measured(label, row["wall"], row["peak_rss_mib"], row["returncode"], tests=row["tests"])
