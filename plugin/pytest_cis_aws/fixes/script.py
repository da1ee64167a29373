"""``--cis-fixes PATH``: every failing unit's fix in one shell script, for a person to review and run.

Grouped by account and region. Each fix is preceded by the finding's control, resource and
message as comments; a fix that still holds placeholders, or has no command, stays commented
out with the reason. Each account's fixes run under the profile its variable names (set at
the top of the script). Everything from AWS in a command was quoted when the fix was built
(shlex.quote); a comment is one line, so text from AWS cannot end it and run.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..outcomes import FAIL, KNOWN, WAIVED
from . import model

STATUSES = (FAIL, WAIVED, KNOWN)
HEADER = """#!/bin/sh
# Fixes for the failing units of a pytest-cis-aws audit ({benchmark}).
# Read each one before running it: the audit only read your accounts, and these commands change them.
# Commands still holding a <placeholder>, and units no command can fix, are commented out with the reason.
# Each account's commands run under the AWS CLI profile of its variable below; set them first.
"""
# Characters that would end a comment line (or confuse a terminal) are shown as spaces.
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")


def profile_variable(account: str) -> str:
    return "PROFILE_" + re.sub(r"[^0-9A-Za-z]", "_", account)


def comment(text: str) -> str:
    return "# " + _LINE_BREAKS.sub(" ", str(text)).strip()


def _superseded(findings: list[dict]) -> dict[tuple[str, str], str]:
    """Security groups whose every rule a 5.4 fix revokes: (account, resource) -> its control.
    Revoking one of their rules beforehand would make that fix fail on a rule already gone."""
    found = {}
    for finding in findings:
        fix = model.of(finding) or {}
        if finding.get("check", "").split("+")[0] == "5.4" and fix.get("command") and not fix.get("placeholders"):
            found[(finding["account"], finding["resource"])] = finding["control"]
    return found


def lines(findings: list[dict], benchmark: str) -> list[str]:
    failing = [f for f in findings if f.get("status") in STATUSES and model.of(f)]
    out = [HEADER.format(benchmark=benchmark)]
    accounts = sorted({f["account"] for f in failing})
    for account in accounts:
        variable = profile_variable(account)
        out.append(f'{variable}="${{{variable}:-default}}"  ' + comment(f"account {account}"))
    superseded = _superseded(failing)
    groups: dict[tuple[str, str], list[dict]] = {}
    for finding in failing:
        groups.setdefault((finding["account"], finding["region"]), []).append(finding)
    for (account, region), group in sorted(groups.items()):
        out += ["", comment(f"==== account {account}, region {region} ===="),
                f'export AWS_PROFILE="${profile_variable(account)}"']
        for finding in group:
            out += ["", comment(f"{finding['control']} {finding['status']} {finding['resource']}"),
                    comment(finding["message"])]
            fix = model.of(finding)
            command = fix.get("command")
            by = superseded.get((account, finding["resource"]))
            if command is None:
                out.append(comment("no command: " + fix.get("why", "")))
            elif fix.get("placeholders"):
                out.append(comment("replace " + ", ".join(fix["placeholders"]) + " first, then run:"))
                out.append(comment(command))
            elif by and by != finding["control"] and command.startswith("aws ec2 revoke-security-group-"):
                out.append(comment(f"the fix of {by} below revokes every rule of this default group, this one too:"))
                out.append(comment(command))
            else:
                out.append(command)
    return out


def write(state, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines(state.sorted_findings(), state.benchmark_name)) + "\n",
                    encoding="utf-8")


def write_file(state, path: Path, context) -> None:
    """The outputs table's entry point (report/outputs.py)."""
    write(state, path)
