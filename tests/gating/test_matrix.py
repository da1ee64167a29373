"""The CI matrix of docs/GATING.md, run as documented on the demo estate.

The GitLab jobs' ``script:`` lines are read from the document (so they cannot drift from
what is tested) and run as a CI runner would. The demo's organisation is recorded once
(``--aws-demo --aws-snapshot-out``) and every audit replays it (``--aws-snapshot``): each
demo server would make its own random key and resource ids. The four copies of the audit
job (``CI_NODE_INDEX`` 1 to 4 of ``CI_NODE_TOTAL`` 4) leave their findings files in a
folder, the report job merges them into every format, and each merged file is compared
with the same file written by one run over every account. Every audit also reads owners
(``--cis-owner-tag``, the demo's ``owner`` tag), so the owner of each finding, the findings
file's ``owners`` and the CSV's owner column and ``.owners.csv`` cross the merge too.
"""
from __future__ import annotations

import csv
import glob
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from tests.harness import CHECKS_DIR, REPO

GATING = REPO / "docs" / "GATING.md"
SHARDS = 4
OWNERS = ["--cis-owner-tag", "owner"]  # an estate option of every audit (the documented job reads no tags)
WAIVERS = """waivers:
  - control: "1.4"
    reason: sandbox accounts keep a root key
    owner: lab
    expires: 2099-12-31
"""


def documented_jobs() -> tuple[list[str], list[str]]:
    text = GATING.read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(# \.gitlab-ci\.yml\n.*?)```", text, re.S).group(1)
    jobs = yaml.safe_load(block)
    assert jobs["cis-audit"]["parallel"] == SHARDS and jobs["cis-report"]["needs"] == ["cis-audit"]
    return jobs["cis-audit"]["script"], jobs["cis-report"]["script"]


def run_line(line: str, cwd: Path, variables: dict[str, str], estate: list[str]) -> None:
    """One ``script:`` line as a runner's shell would run it (variables, globs), with our
    interpreter for ``pytest`` and ``cis-merge``, and ``estate`` options for the audit."""
    words = []
    for word in shlex.split(line):
        word = re.sub(r"\$(\w+)", lambda m: variables[m.group(1)], word)
        words += sorted(glob.glob(word, root_dir=cwd)) if "*" in word else [word]
    if words[0] == "mkdir":
        (cwd / words[-1]).mkdir(parents=True, exist_ok=True)
        return
    if words[0] == "pytest":
        words = [sys.executable, "-m", "pytest", *words[1:], *estate, "-p", "no:cacheprovider", "-q"]
        words[words.index("cis_checks")] = str(CHECKS_DIR)
    elif words[0] == "cis-merge":
        words = [sys.executable, "-m", "pytest_cis_aws.merge", *words[1:]]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_", "CI_"))}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null", **variables)
    done = subprocess.run(words, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), f"{' '.join(words)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


def without_times(value):
    """Timestamps aside: the run's clock (generated, OCSF times, ASFF CreatedAt/UpdatedAt)."""
    if isinstance(value, dict):
        return {k: "<time>" if k in ("generated", "time", "created_time", "CreatedAt", "UpdatedAt") else without_times(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [without_times(v) for v in value]
    return value


def read(path: Path, kind: str):
    text = path.read_text(encoding="utf-8")
    if kind == "json":
        document = without_times(json.loads(text))
        if isinstance(document, dict):
            # What the jobs cost, not what they found: every job lists the organisation itself.
            document.pop("aws_calls")
        return document
    if kind == "jsonl":
        return [without_times(json.loads(line)) for line in text.splitlines()]
    if kind == "csv":
        return list(csv.reader(text.splitlines()))
    if kind == "md":
        return re.sub(r"generated [^;]*;", "generated <time>;", text)
    if kind == "text":
        return text
    if kind == "oscal":
        return without_run(json.loads(text))
    raise AssertionError(kind)


# OSCAL's times, and what is made from the run's clock or its command line: the two run UUIDs
# (identity.unit_uuid of the collection time and the command) and the generated/command props.
OSCAL_TIMES = ("collected", "start", "end", "published", "last-modified")


def without_run(value, parent: str = ""):
    if isinstance(value, dict):
        if value.get("name") in ("generated", "command-line") and "value" in value:
            return {**value, "value": "<run>"}
        return {k: "<run>" if k in OSCAL_TIMES or (k == "uuid" and parent in ("assessment-results", "results"))
                else without_run(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [without_run(v, parent) for v in value]
    return value


def report_tables(html: str) -> dict[str, str]:
    """What the compliance report counts, as rendered: totals, summary and per-account tables."""
    tables = {name: re.search(rf'<table id="{name}".*?</table>', html, re.S).group(0)
              for name in ("cis-summary-table", "cis-accounts-table")}
    tables["totals"] = re.search(r'<div id="cis-totals".*?<p id="cis-other-outcomes".*?</p>', html, re.S).group(0)
    return tables


def test_the_documented_gitlab_matrix_merges_into_what_one_run_writes(tmp_path):
    audit_lines, report_lines = documented_jobs()
    matrix, single = tmp_path / "matrix", tmp_path / "single"
    for folder in (matrix, single):
        folder.mkdir()
        (folder / "waivers.yaml").write_text(WAIVERS)
    # One run over every account of the demo, writing every format the report job writes.
    merge_line = shlex.split(report_lines[-1])
    outputs = dict(zip(merge_line[2::2], merge_line[3::2]))  # --cis-json cis-findings.json ...
    audit = shlex.split(audit_lines[-1])
    shard_at = audit.index("--cis-shard")
    del audit[shard_at:shard_at + 2]
    json_at = audit.index("--cis-json")
    del audit[json_at:json_at + 2]
    one_run = " ".join([*audit, *(f"{flag} {path}" for flag, path in outputs.items()), "--self-contained-html"])
    estate = tmp_path / "demo.snapshot.json"
    run_line(f"pytest cis_checks --aws-accounts all --cis-json {tmp_path / 'recorded.json'}", tmp_path, {},
             ["--aws-demo", "--aws-snapshot-out", str(estate), *OWNERS])
    run_line(one_run, single, {}, ["--aws-snapshot", str(estate), *OWNERS])

    # The matrix, on the same estate.
    for index in range(1, SHARDS + 1):
        for line in audit_lines:
            run_line(line, matrix, {"CI_NODE_INDEX": str(index), "CI_NODE_TOTAL": str(SHARDS)},
                     ["--aws-snapshot", str(estate), *OWNERS])
    shard_files = sorted((matrix / "findings").glob("shard-*.json"))
    assert len(shard_files) == SHARDS
    for line in report_lines:
        run_line(line, matrix, {}, [])

    merged = json.loads((matrix / outputs["--cis-json"]).read_text())
    assert len(merged["accounts"]) >= 3 and merged["findings"], "the demo's organisation, every account audited"
    assert merged["totals"]["waived"] > 0  # the waiver reached every shard, and the merge counts it
    assert merged["owners"]["tag"] == "owner" and any(f["owner"] for f in merged["findings"])
    assert any(f.get("fix", {}).get("command") for f in merged["findings"])  # main's fix object, as read
    kinds = {"--cis-json": "json", "--cis-csv": "csv", "--cis-md": "md", "--cis-ocsf": "jsonl", "--cis-asff": "json",
             "--cis-oscal": "oscal", "--cis-fixes": "text"}
    assert set(kinds) | {"--html"} == set(outputs), "every output the report job writes is compared"
    for flag, kind in kinds.items():
        assert read(matrix / outputs[flag], kind) == read(single / outputs[flag], kind), flag
    owners_csv = Path(outputs["--cis-csv"]).with_suffix(".owners.csv")
    assert read(matrix / owners_csv, "csv") == read(single / owners_csv, "csv")
    assert len(read(matrix / owners_csv, "csv")) > 2  # a header, and more than one owner
    # The merged HTML is the compliance report alone: the same counts as the run's, no test table.
    merged_html = (matrix / outputs["--html"]).read_text(encoding="utf-8")
    run_html = (single / outputs["--html"]).read_text(encoding="utf-8")
    assert report_tables(merged_html) == report_tables(run_html)
    assert 'id="cis-results"' not in merged_html and 'id="cis-results"' in run_html
