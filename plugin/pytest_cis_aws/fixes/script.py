"""``--cis-fixes PATH``: every failing unit's fix in one shell script, for a person to review and run.

Grouped by account and region. Each fix is preceded by the finding's control, resource and
message as comments; a fix that still holds placeholders, or has no command, stays commented
out with the reason. Each account's fixes run under the profile its variable names (set at
the top of the script). Everything from AWS in a command was quoted when the fix was built
(shlex.quote); a comment is one line, so text from AWS cannot end it and run.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ..finding import Finding
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


# Fixes that rewrite a whole configuration another fix of the same resource also rewrites:
# (the check whose fix gives way, how its command starts) -> the checks whose fix includes it.
# A default group's 5.4 fix revokes every rule, 5.2's and the CIFS check's too (revoking one
# first would make it fail on a rule gone); a public bucket policy's fix (3.3, v7.0.0's
# resource policies) writes the policy with 2.1.1's Deny in it (2.1.1's, run after it, would
# put the public statements back).
SUPERSEDED_BY = {
    "5.2": ("aws ec2 revoke-security-group-", ("5.4",)),
    "5.3": ("aws ec2 revoke-security-group-", ("5.4",)),
    "cifs-port-restricted": ("aws ec2 revoke-security-group-", ("5.4",)),
    "2.1.1": ("aws s3api put-bucket-policy", ("3.3", "no-public-resource-policies")),
}


def check_of(finding: Finding) -> str:
    return finding.check.split("+")[0]


def _superseding(findings: list[Finding]) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(account, resource, check) -> (control, command) of a fix that runs as shown, for each
    check another fix may give way to."""
    wanted = {check for _, checks in SUPERSEDED_BY.values() for check in checks}
    found = {}
    for finding in findings:
        fix = finding.fix
        if check_of(finding) in wanted and fix.runs_as_shown:
            found[(finding.account, finding.resource, check_of(finding))] = (finding.control, fix.command)
    return found


def _superseded(finding: Finding, command: str, superseding: dict) -> str | None:
    """The control whose fix includes this one, if any."""
    starts, checks = SUPERSEDED_BY.get(check_of(finding), ("", ()))
    if not command.startswith(starts or "\0"):
        return None
    for check in checks:
        control, other = superseding.get((finding.account, finding.resource, check), (None, ""))
        if control and starts in other:  # the other fix rewrites the same configuration
            return control
    return None


def _failing(findings) -> list[Finding]:
    """The findings with a fix, slimmed to what the script needs (``findings`` is read once,
    as a stream: under cis-merge, a million findings of an organisation): the evidence and
    the waiver are not kept."""
    return [replace(finding, evidence=(), waiver=None) for finding in findings
            if finding.status in STATUSES and finding.fix is not None]


def lines(findings, benchmark: str) -> list[str]:
    return [line for chunk in _chunks(findings, benchmark) for line in chunk]


def _chunks(findings, benchmark: str):
    """The script's lines, a few at a time (write() streams them to the file)."""
    failing = _failing(findings)
    out = [HEADER.format(benchmark=benchmark)]
    accounts = sorted({f.account for f in failing})
    for account in accounts:
        variable = profile_variable(account)
        out.append(f'{variable}="${{{variable}:-default}}"  ' + comment(f"account {account}"))
    yield out
    superseding = _superseding(failing)
    written: dict[str, dict[str, str]] = {}  # account -> command -> the control whose fix wrote it
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in failing:
        groups.setdefault((finding.account, finding.region), []).append(finding)
    del failing
    for (account, region), group in sorted(groups.items()):
        out = ["", comment(f"==== account {account}, region {region} ===="),
                f'export AWS_PROFILE="${profile_variable(account)}"']
        for finding in group:
            out += ["", comment(f"{finding.control} {finding.status} {finding.resource}"),
                    comment(finding.message)]
            fix = finding.fix
            command = fix.command
            if command is None:
                out.append(comment("no command: " + fix.why))
            elif fix.placeholders:
                out.append(comment("replace " + ", ".join(fix.placeholders) + " first, then run:"))
                out.append(comment(command))
            elif by := _superseded(finding, command, superseding):
                out.append(comment(f"the fix of {by} for the same resource does this too, and more: not run here"))
                out.append(comment(command))
            else:
                out += _once(command, finding.control, written.setdefault(account, {}))
        yield out


def _once(command: str, control: str, written: dict[str, str]) -> list[str]:
    """The fix's commands that no fix above already wrote for the account. Fixes of one
    configuration repeat each other (1.8 and 1.9 raise the same password policy; 5.2 and
    the CIFS check revoke the same permission): run twice, a revoke fails on a rule gone."""
    commands = model.split_commands(command)
    fresh = [c for c in commands if c not in written]
    out = [comment(f"already written above, by the fix of {written[c]}: {c}") for c in commands if c in written]
    for c in fresh:
        written[c] = control
    if fresh:
        out.append(model.SEPARATOR.join(fresh))
    return out


def write(state, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for chunk in _chunks(state.sorted_findings(), state.benchmark_name):
            out.writelines(line + "\n" for line in chunk)


def write_file(state, path: Path, context) -> None:
    """The outputs table's entry point (report/outputs.py)."""
    write(state, path)
