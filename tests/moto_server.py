"""A moto server subprocess on 127.0.0.1, and the real pytest CLI run against it."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.harness import CHECKS_DIR, REPO, ROLE, assert_one_finding_per_resource


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MotoServerProcess:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> "MotoServerProcess":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1)
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def cli_env(endpoint: str | None, **extra: str) -> dict[str, str]:
    """An environment for the audit CLI that can only reach ``endpoint`` (127.0.0.1)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_"))}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        AWS_EC2_METADATA_DISABLED="true",
        COLUMNS="200",  # the summary table's titles are not cut short
    )
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    env.update(extra)
    return env


@dataclass
class CliRun:
    returncode: int
    stdout: str
    stderr: str
    findings: dict | None


def run_cli(args: list[str], env: dict[str, str], out_dir: Path, timeout: int = 300) -> CliRun:
    """The real `pytest` CLI over cis_checks/, as a user runs it (installed plugins autoload)."""
    findings = out_dir / "findings.json"
    argv = [
        sys.executable, "-m", "pytest", str(CHECKS_DIR),
        "-p", "no:cacheprovider",
        "--cis-json", str(findings), *args,
    ]
    done = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    document = json.loads(findings.read_text()) if findings.exists() else None
    assert_one_finding_per_resource((document or {}).get("findings", []))
    return CliRun(done.returncode, done.stdout, done.stderr, document)


def audit_args(accounts: list[str], regions: list[str]) -> list[str]:
    # moto answers 500 for services it lacks (Access Analyzer); botocore retries a 500
    # with backoff, so keep the attempts few: those units are ERRORs either way.
    return [
        "--aws-accounts", ",".join(accounts), "--aws-role-name", ROLE, "--aws-regions", ",".join(regions),
        "--aws-max-attempts", "2",
    ]
