"""The demo runs the README and docs/GATING.md show print what they quote (issue 19, defect 6).

The commands, the output lines and the exit statuses are read from the documents themselves,
so a document and the demo cannot drift apart: a README sample of 305 units where the demo
printed 322, or a sample waiver that matched nothing on the demo, fails here.

* README: the `pytest --aws-demo` named before the sample output (80 columns wide); every
  quoted line, "..." aside, is printed, in that order, and the run exits 1.
* GATING.md: every ``console`` block whose commands use the demo (``--aws-demo``) or replay
  its snapshot (``--aws-snapshot``), run in order in a folder of their own, with the waiver
  file the document shows. ``# exit N`` is the exit status, ``# exit N: M failures`` also the
  totals' Failed count; the lines quoted after the commands are printed by the last one.
  Commands that would read a real AWS account are not run.
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.harness import CHECKS_DIR, REPO

README = REPO / "README.md"
GATING = REPO / "docs" / "GATING.md"
COLUMNS = "80"
EXIT = re.compile(r"#\s*exit (\d+)(?::\s*(\d+) failures)?\s*$")


@dataclass
class Command:
    argv: list[str]
    status: int | None = None
    failures: int | None = None


@dataclass
class Example:
    where: str
    commands: list[Command]
    quoted: list[str] = field(default_factory=list)  # lines the last command prints, in order


def blocks(text: str, language: str) -> list[tuple[int, str]]:
    """The fenced blocks of a language, with the line each starts at."""
    return [(text[:m.start()].count("\n") + 1, m.group(1))
            for m in re.finditer(rf"^```{language}\n(.*?)^```$", text, re.M | re.S)]


def command(line: str) -> Command:
    text, _, comment = line.partition("#")
    found = EXIT.search("#" + comment) if comment else None
    return Command(shlex.split(text),
                   int(found.group(1)) if found else None,
                   int(found.group(2)) if found and found.group(2) else None)


def quoted(lines: list[str]) -> list[str]:
    return [line.rstrip() for line in lines if line.strip() and line.strip() != "..."]


def readme_example() -> Example:
    text = README.read_text(encoding="utf-8")
    sentence = re.search(r"here\s+`(pytest [^`]+)`,\s+in a terminal 80 columns wide", text)
    assert sentence, "README: the sample output no longer names the command that prints it"
    after = [(line, block) for line, block in blocks(text, "text") if line > text[:sentence.end()].count("\n")]
    line, block = after[0]
    return Example(f"README.md:{line}", [Command(shlex.split(sentence.group(1)), status=1)],
                   quoted(block.splitlines()))


def gating_examples() -> list[Example]:
    examples = []
    for line, block in blocks(GATING.read_text(encoding="utf-8"), "console"):
        lines = block.splitlines()
        commands = [command(text[2:]) for text in lines if text.startswith("$ ")]
        if not commands or not all("--aws-demo" in c.argv or "--aws-snapshot" in c.argv for c in commands):
            continue  # a real estate's command: not ours to run
        examples.append(Example(f"docs/GATING.md:{line}", commands,
                                quoted([text for text in lines if not text.startswith("$ ")])))
    return examples


def waiver_file() -> str:
    found = [block for _, block in blocks(GATING.read_text(encoding="utf-8"), "yaml")
             if block.startswith("# waivers.yaml")]
    assert found, "GATING.md shows no waivers.yaml"
    return found[0]


def run(argv: list[str], folder: Path) -> subprocess.CompletedProcess:
    assert argv[0] == "pytest"
    args = [str(CHECKS_DIR) if arg == "cis_checks" else arg for arg in argv[1:]]
    if str(CHECKS_DIR) not in args:
        args.append(str(CHECKS_DIR))  # `pytest --aws-demo` at the repository's root
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("AWS_", "PYTEST_")) and name != "COLUMNS"}
    env["COLUMNS"] = COLUMNS
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=900)


def in_order(expected: list[str], printed: list[str]) -> list[str]:
    """The expected lines missing from ``printed`` (in that order)."""
    missing, position = [], 0
    for line in expected:
        try:
            position = printed.index(line, position) + 1
        except ValueError:
            missing.append(line)
    return missing


EXAMPLES = [readme_example(), *gating_examples()]


def test_the_documents_show_demo_runs():
    assert [e.where.split(":")[0] for e in EXAMPLES].count("docs/GATING.md") >= 3
    assert all(e.quoted or any(c.status is not None for c in e.commands) for e in EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.where for e in EXAMPLES])
def test_the_demo_prints_what_the_documents_quote(example, tmp_path):
    (tmp_path / "waivers.yaml").write_text(waiver_file(), encoding="utf-8")
    for step in example.commands:
        result = run(step.argv, tmp_path)
        printed = [line.rstrip() for line in result.stdout.splitlines()]
        where = f"{example.where}: {shlex.join(step.argv)}"
        assert "Traceback" not in result.stdout + result.stderr, where
        if step.status is not None:
            assert result.returncode == step.status, f"{where} exited {result.returncode}\n{result.stdout[-3000:]}"
        if step.failures is not None:
            totals = next(line for line in printed if line.startswith("Accounts integrated:"))
            assert f"   Failed: {step.failures}   " in totals, f"{where}: {totals}"
    assert in_order(example.quoted, printed) == [], f"{example.where}: quoted but not printed\n{result.stdout[-4000:]}"
