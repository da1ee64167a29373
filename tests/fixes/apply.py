"""Run a --cis-fixes script's commands with the aws CLI, in-process, against a moto server.

The script is read as a person would run it: ``export AWS_PROFILE="$PROFILE_<account>"``
switches the account, comment lines are not run, and a line's commands (``;`` or ``&&``
between them) run in order. Each account's commands are one batch, run by one aws CLI
driver whose profile holds that account's credentials (an assumed role on the server).
"""
from __future__ import annotations

import contextlib
import io
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from pytest_cis_aws.demo.clients import EstateClients

LOCAL = re.compile(r"^http://127\.0\.0\.1:\d+$")
EXPORT = re.compile(r'^export AWS_PROFILE="\$PROFILE_(\w+)"$')


@dataclass
class Applied:
    """What ran: each fix line's commands, by account, with the CLI's exit code and error text."""

    ran: list[tuple[str, str, int, str]] = field(default_factory=list)  # (account, command, rc, stderr)

    def failed(self) -> list[tuple[str, str, int, str]]:
        return [r for r in self.ran if r[2] != 0]


def batches(script: str) -> dict[str, list[str]]:
    """account -> the fix lines that run as shown, in the script's order."""
    found: dict[str, list[str]] = {}
    account = None
    for line in script.splitlines():
        if not line or line.startswith("#") or line.startswith("PROFILE_"):
            continue
        match = EXPORT.match(line)
        if match:
            account = match.group(1)
            continue
        assert account is not None and line.startswith("aws "), f"a line the script should not hold: {line!r}"
        found.setdefault(account, []).append(line)
    return found


def commands(line: str) -> list[list[str]]:
    """A script line's commands, split as the shell would at ``;`` and ``&&`` (never inside quotes)."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&")
    lexer.whitespace_split = True
    found, current = [], []
    for token in lexer:
        if token in (";", "&&"):
            found.append(current)
            current = []
        else:
            current.append(token)
    return [c for c in found + [current] if c]


def write_profiles(path: Path, endpoint: str, accounts) -> None:
    """A credentials file with one profile per account: the role the demo seeds, assumed on the server."""
    clients = EstateClients(endpoint)
    text = []
    for account in accounts:
        creds = clients.session(account).get_credentials().get_frozen_credentials()
        text += [f"[acct-{account}]", f"aws_access_key_id = {creds.access_key}",
                 f"aws_secret_access_key = {creds.secret_key}"]
        if creds.token:
            text.append(f"aws_session_token = {creds.token}")
    path.write_text("\n".join(text) + "\n")


def apply(script: str, endpoint: str, credentials: Path, monkeypatch) -> Applied:
    """Every command of the script that runs as shown, one batch (one CLI driver) per account."""
    from awscli.clidriver import create_clidriver

    assert LOCAL.match(endpoint), "fixes are only ever applied to moto on 127.0.0.1"
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    applied = Applied()
    for account, lines in batches(script).items():
        driver = create_clidriver()
        for line in lines:
            for args in commands(line):
                assert args[0] == "aws"
                err = io.StringIO()
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
                    rc = driver.main([*args[1:], "--profile", f"acct-{account}", "--endpoint-url", endpoint])
                applied.ran.append((account, shlex.join(args), rc, err.getvalue().strip()))
    return applied
