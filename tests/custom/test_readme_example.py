"""The README's "Your own controls" example, run as written in a fresh copy of the
repository (its tracked files only) against the demo estate: the three example controls
each pass and fail, with their exact messages, beside the CIS controls."""
from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys

import pytest

from tests.harness import REPO
from tests.moto_server import cli_env

MARKER = "<!-- org-controls:"
A, B, C = "111111111111", "222222222222", "333333333333"

# One command, a moto server of its own: one worker.
pytestmark = pytest.mark.xdist_group("readme-org-controls")


def readme_command() -> list[str]:
    text = (REPO / "README.md").read_text()
    block = text.split(MARKER, 1)[1].split("```console\n", 1)[1].split("```", 1)[0]
    (line,) = block.strip().splitlines()
    return shlex.split(line)


def fresh_copy(target) -> None:
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True)
    for name in filter(None, tracked.stdout.split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def test_the_readme_example_runs_on_the_demo_estate_from_a_fresh_copy(tmp_path):
    command = readme_command()
    assert command == ["pytest", "cis_checks", "examples/org_controls", "--aws-demo"]
    clone = tmp_path / "clone"
    fresh_copy(clone)
    done = subprocess.run([sys.executable, "-m", *command], cwd=clone, env=cli_env(None), capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == pytest.ExitCode.TESTS_FAILED, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Traceback" not in done.stdout + done.stderr

    table = done.stdout.split("\nSection ", 1)[1]
    assert re.findall(r"^(ORG(?:\.\d)?)\s+(.+?)\s+(?:(\d+)\s+(\d+)\s+)?(\S+)$", table, re.M) == [
        ("ORG", "Organisation controls", "", "", "47.6"),
        ("ORG.1", "Ensure every account has an account alias", "1", "2", "66.7"),
        ("ORG.2", "Ensure EC2 instances run only in approved regions", "1", "5", "83.3"),
        ("ORG.3", "Ensure every S3 bucket names its owner in an owner tag", "9", "3", "25.0"),
    ]
    findings = json.loads((clone / "reports" / "cis-findings.json").read_text())["findings"]
    org = {(f["control"], f["test_id"].split("[", 1)[1][:-1]): (f["status"], f["message"])
           for f in findings if f["control"].startswith("ORG.")}
    assert {k: v for k, v in org.items() if k[0] == "ORG.1"} == {
        ("ORG.1", f"{A}-global-account"): ("PASS", f"account {A} is demo-production"),
        ("ORG.1", f"{B}-global-account"): ("FAIL", f"account {B} has no account alias"),
        ("ORG.1", f"{C}-global-account"): ("PASS", f"account {C} is demo-sandbox"),
    }
    failing_region = {k: v for k, v in org.items() if k[0] == "ORG.2" and v[0] == "FAIL"}
    ((_, unit), (_, message)), = failing_region.items()
    assert unit == f"{B}-eu-west-1"
    assert re.fullmatch(rf"account {B} runs EC2 instances in eu-west-1, which is not an approved region: i-[0-9a-f]+",
                        message)
    assert org[("ORG.3", f"{A}-us-east-1-bucket/demo-{A}-secure-data")] == (
        "PASS", f"S3 bucket demo-{A}-secure-data is owned by platform-team")
    assert org[("ORG.3", f"{A}-eu-west-1-bucket/demo-{A}-loose-uploads")] == (
        "FAIL", f"S3 bucket demo-{A}-loose-uploads has no owner tag")
    # Beside the CIS controls, in the same run and report.
    assert {f["control"] for f in findings} >= {"1.4", "5.6", "ORG.1", "ORG.2", "ORG.3"}
    assert (clone / "reports" / "report.html").is_file()


def test_the_readme_walk_through_fits_on_a_page():
    text = (REPO / "README.md").read_text()
    section = text.split("## Your own controls\n", 1)[1].split("\n## ", 1)[0]
    walk_through = section.split("A control is a test function", 1)[1]
    assert len(walk_through.splitlines()) <= 50
    # It names what the example needs and the API it documents.
    assert "from pytest_cis_aws.api import buckets, custom_control, evidence" in section
    for name in ("iam:ListAccountAliases", "s3:GetBucketTagging", "ec2:DescribeInstances"):
        assert name in section
