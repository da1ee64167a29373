"""Running the real CLI as a user would, and measuring it: wall time, peak RSS, calls."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHECKS = REPO / "cis_checks"
ROLE = "OrganizationAccountAccessRole"


@dataclass
class Measured:
    label: str
    wall: float  # seconds
    peak_rss_mib: float  # the largest single process of the run (controller or a worker)
    returncode: int
    findings: dict = field(repr=False, default_factory=dict)
    tests: int | None = None
    cpu_s: float | None = None  # user + system CPU time of the run's processes: steadier than wall on a shared machine  # runs without a findings file (the floor): how many tests ran

    @property
    def units(self) -> int:
        return self.tests if self.tests is not None else len(self.findings.get("findings", []))

    @property
    def calls(self) -> dict:
        return self.findings.get("aws_calls") or {}

    def row(self) -> dict:
        calls = self.calls
        ratio = calls["calls"] / calls["distinct"] if calls.get("distinct") else None
        return {
            "run": self.label,
            "wall_s": round(self.wall, 2),
            "cpu_s": round(self.cpu_s, 2) if self.cpu_s is not None else None,
            "peak_rss_mib": round(self.peak_rss_mib, 1),
            "units": self.units,
            "aws_calls": calls.get("calls"),
            "distinct": calls.get("distinct"),
            "calls_per_distinct": round(ratio, 3) if ratio else None,
            "requests": calls.get("requests"),
            "exit": self.returncode,
        }


def cli_env(endpoint: str | None) -> dict[str, str]:
    """Fake credentials, and the only endpoint the run can reach (127.0.0.1), if any."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_"))}
    env.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_EC2_METADATA_DISABLED="true",
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
    )
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return env


def run_suite(label: str, args: list[str], env: dict[str, str], out: Path) -> Measured:
    """``pytest cis_checks ...`` in a child process; wall time and peak RSS from wait4."""
    out.mkdir(parents=True, exist_ok=True)
    findings = out / f"{label}.findings.json"
    argv = [
        sys.executable, "-m", "pytest", str(CHECKS), "-q", "-p", "no:cacheprovider",
        "-p", "pytest_cis_aws.entry", "-p", "xdist.plugin", "-p", "pytest_metadata.plugin", "-p", "pytest_html.plugin", "--cis-json", str(findings), *args,
    ]
    started = time.perf_counter()
    child = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output, _ = child.communicate()
    wall = time.perf_counter() - started
    # communicate() reaped the child; RUSAGE_CHILDREN then holds the largest process
    # of every child so far, so each measurement runs in a fresh helper (see below).
    (out / f"{label}.log").write_bytes(output)
    data = json.loads(findings.read_text()) if findings.exists() else {}
    return Measured(label, wall, _peak_rss_mib(), child.returncode, data, cpu_s=_children_cpu_s())


def _peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _children_cpu_s() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured_in_fresh_process(label: str, args: list[str], env: dict[str, str], out: Path) -> Measured:
    """Run :func:`run_suite` in its own helper process so its peak RSS is its own."""
    request = json.dumps({"label": label, "args": args, "env": env, "out": str(out)})
    done = subprocess.run([sys.executable, "-m", "bench.measure"], input=request, capture_output=True, text=True,
                          cwd=REPO, check=True)
    row = json.loads(done.stdout.strip().splitlines()[-1])
    findings = json.loads((out / f"{label}.findings.json").read_text()) if (out / f"{label}.findings.json").exists() else {}
    return Measured(label, row["wall"], row["peak_rss_mib"], row["returncode"], findings, cpu_s=row.get("cpu_s"))


# -- a moto server subprocess on 127.0.0.1 ------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MotoServer:
    def __init__(self):
        self.url = f"http://127.0.0.1:{free_port()}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "MotoServer":
        port = self.url.rsplit(":", 1)[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", port],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1)
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("the moto server did not start")

    def __exit__(self, *_exc) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:  # a server holding a large estate, on a loaded machine
                self.process.kill()
                self.process.wait(timeout=20)
            self.process = None


if __name__ == "__main__":
    request = json.loads(sys.stdin.read())
    result = run_suite(request["label"], request["args"], request["env"], Path(request["out"]))
    print(json.dumps({"wall": result.wall, "peak_rss_mib": result.peak_rss_mib, "returncode": result.returncode,
                      "cpu_s": result.cpu_s}))
