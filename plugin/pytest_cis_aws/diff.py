"""``cis-diff OLD.json NEW.json``: what changed between two runs, by unit (``compare.py``).

Exit status, so a pull request can be gated without keeping a baseline file: 1 when a unit
is FAIL or ERROR in NEW and was not in OLD (a unit appearing already failing included),
0 otherwise, 4 on bad input (as ``cis-merge``).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .compare import LISTS, Diff, DiffInputError, compare, load
from .report.markdown import md_text as md

USAGE_ERROR = 4
HEADINGS = {
    "new": "New failures and errors",
    "fixed": "Fixed",
    "still_failing": "Still failing",
    "appeared": "Appeared",
    "disappeared": "Disappeared",
}
SHOWN = 50  # units listed per heading in the terminal and Markdown; the JSON has them all


def versions_note(diff: Diff) -> str:
    if diff.by_check:
        return (f"OLD audits benchmark v{diff.old.benchmark}, NEW v{diff.new.benchmark}: units are matched by "
                "check, account, region and resource, so a renumbered control is the same unit; a check only "
                "one version has shows as appeared or disappeared.")
    return f"Both files audit benchmark v{diff.new.benchmark}."


def _unit_line(unit: dict) -> str:
    status = unit["status"]
    owner = f" (owner: {unit['owner']})" if unit.get("owner") else ""
    return f"{unit['control']} {unit['account']} {unit['region']} {unit['resource']}: {status}{owner}"


def console(diff: Diff) -> list[str]:
    counts = diff.counts()
    lines = [f"cis-diff {diff.old.path} -> {diff.new.path}", versions_note(diff),
             ", ".join(f"{HEADINGS[name].lower()}: {counts[name]}" for name in LISTS)]
    for name in ("new", "fixed", "appeared", "disappeared"):
        units = diff.lists[name]
        if units:
            lines.append(f"{HEADINGS[name]}:")
            # Names from AWS go to a terminal: control characters are dropped, not interpreted.
            lines += ["  " + _printable(_unit_line(unit)) for unit in units[:SHOWN]]
            if len(units) > SHOWN:
                lines.append(f"  ... and {len(units) - SHOWN} more (--cis-json lists every unit)")
    return lines


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _table(title: str, split: dict[str, dict[str, int]], column: str) -> list[str]:
    out = ["", f"### {title}", "", f"| {column} | " + " | ".join(HEADINGS[n] for n in LISTS) + " |",
           "|---|" + "---:|" * len(LISTS)]
    out += [f"| {md(key) or '(none)'} | " + " | ".join(str(row[n]) for n in LISTS) + " |" for key, row in split.items()]
    return out


def markdown(diff: Diff) -> str:
    counts = diff.counts()
    verdict = ("**Gate failed**: a unit fails or errors that did not before." if diff.gate_failed
               else "No unit fails or errors that did not before.")
    out = ["## Compliance changes", "", md(versions_note(diff)), "", verdict, "",
           "| " + " | ".join(HEADINGS[n] for n in LISTS) + " |", "|" + "---:|" * len(LISTS),
           "| " + " | ".join(str(counts[n]) for n in LISTS) + " |"]
    out += _table("Per control", diff.split("control"), "Control")
    out += _table("Per account", diff.split("account"), "Account")
    if diff.has_owners:
        out += _table("Per owner", diff.split("owner"), "Owner")
    for name in ("new", "fixed", "appeared", "disappeared"):
        units = diff.lists[name]
        if units:
            out += ["", f"### {HEADINGS[name]}", ""]
            out += [f"- {md(_unit_line(unit))}" for unit in units[:SHOWN]]
            if len(units) > SHOWN:
                out.append(f"- ... and {len(units) - SHOWN} more")
    return "\n".join(out) + "\n"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # bad input is exit 4 with one line, as a bad file is
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message}\n")


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="cis-diff", description="Compare two findings files (--cis-json) unit by unit.")
    parser.add_argument("old", type=Path, metavar="OLD.json", help="the earlier run's findings file")
    parser.add_argument("new", type=Path, metavar="NEW.json", help="the later run's findings file")
    parser.add_argument("--cis-md", type=Path, metavar="PATH", help="also write the diff as Markdown (a pull-request comment)")
    parser.add_argument("--cis-json", type=Path, metavar="PATH", help="also write the diff as JSON, every unit listed")
    args = parser.parse_args(argv)
    try:
        diff = compare(load(args.old), load(args.new))
    except DiffInputError as exc:
        print(f"cis-diff: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    for line in console(diff):
        print(line)
    try:
        if args.cis_md:
            _write(args.cis_md, markdown(diff))
        if args.cis_json:
            _write(args.cis_json, json.dumps(diff.to_dict(), indent=1) + "\n")
    except OSError as exc:
        print(f"cis-diff: error: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
        return USAGE_ERROR
    return 1 if diff.gate_failed else 0


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
