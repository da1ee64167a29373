"""Read the totals back out of every output of one run, each the way its reader would."""
from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

TOTAL_NAMES = ("accounts_integrated", "resources_scanned", "failed", "passed", "errors", "manual")


def from_json(path: Path) -> dict[str, int]:
    totals = json.loads(path.read_text())["totals"]
    return {name: totals[name] for name in TOTAL_NAMES}


def from_html(path: Path) -> dict[str, int]:
    """The data-total figures of the page (rendered server-side: no script needed)."""
    found = dict(re.findall(r'data-total="(\w+)">(\d+)<', path.read_text()))
    return {name: int(found[name]) for name in TOTAL_NAMES}


def from_terminal(output: str) -> dict[str, int]:
    match = re.search(
        r"Accounts integrated: (\d+) of \d+\s+Resources scanned: (\d+)\s+Failed: (\d+)\s+Passed: (\d+)\s+"
        r"Errors: (\d+)\s+Manual: (\d+)",
        output,
    )
    assert match, f"no totals line in the terminal output:\n{output}"
    return dict(zip(TOTAL_NAMES, map(int, match.groups())))


def from_markdown(path: Path) -> dict[str, int]:
    lines = path.read_text().splitlines()
    header = lines.index("| Accounts integrated | Resources scanned | Failed | Passed | Errors | Manual |")
    cells = [c.strip() for c in lines[header + 2].strip("|").split("|")]
    integrated = int(cells[0].split(" of ")[0])
    return dict(zip(TOTAL_NAMES, [integrated, *map(int, cells[1:])]))


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def from_csv(path: Path, accounts_integrated: int) -> dict[str, int]:
    """CSV has findings only: the scanned/failed/passed figures are counted from its rows."""
    status = Counter(row["status"] for row in csv_rows(path))
    return {
        "accounts_integrated": accounts_integrated,
        "resources_scanned": status["FAIL"] + status["PASS"],
        "failed": status["FAIL"],
        "passed": status["PASS"],
        "errors": status["ERROR"],
        "manual": status["MANUAL"],
    }


def junit_properties(path: Path) -> dict[str, dict[str, str]]:
    """Test case name -> its <property> elements."""
    root = ET.parse(path).getroot()
    return {
        case.get("name"): {p.get("name"): p.get("value") for p in case.iter("property")}
        for case in root.iter("testcase")
    }


def json_document(path: Path) -> dict:
    return json.loads(path.read_text())


def json_findings(path: Path) -> list[dict]:
    return json_document(path)["findings"]


# -- compliance scores, as each output prints them ("87.5" or "n/a") -------------------------
def scores_from_json(path: Path) -> dict:
    text = lambda s: "n/a" if s["percent"] is None else f"{s['percent']:.1f}"  # noqa: E731
    scores = json_document(path)["scores"]
    return {"overall": text(scores["overall"]),
            **{group: {key: text(s) for key, s in scores[group].items()} for group in ("sections", "controls", "accounts")}}


def scores_from_terminal(output: str) -> dict:
    summary = output.split("CIS compliance summary", 1)[1]
    table = summary.split("\nSection ", 1)[1].split("\nAWS calls:", 1)[0]
    return {
        "overall": re.search(r"^Compliance score: (\S+)", summary, re.M).group(1),
        "sections": dict(re.findall(r"^(\d+)\s+[A-Z].*\s(\S+)$", table, re.M)),
        "controls": dict(re.findall(r"^(\d+\.\d+(?:\.\d+)?)\s.*\s(\S+)$", table, re.M)),
        "accounts": dict(re.findall(r"^(\d{12})\s+\d+\s+\d+\s+\d+\s+(\S+)$", table, re.M)),
    }


def scores_from_html(path: Path) -> dict:
    page = path.read_text()
    return {
        "overall": re.search(r'data-score="overall">([^<]+)<', page).group(1),
        "sections": dict(re.findall(r'<tbody class="cis-section" data-section="(\d+)">.*?data-score="section">([^<]+)<',
                                    page, re.S)),
        "controls": dict(re.findall(r'<tr class="cis-control[^"]*" data-control="([^"]+)">.*?data-score="control">([^<]+)<',
                                    page, re.S)),
        "accounts": dict(re.findall(r'<tr data-account="(\d+)">.*?data-score="account">([^<]+)<', page, re.S)),
    }


def scores_from_markdown(path: Path) -> dict:
    document = path.read_text()
    last = r"\|[^\n]*\|\s\**([^|*\s]+)\**\s\|$"
    return {
        "overall": re.search(r"^Compliance score: \*\*(\S+)", document, re.M).group(1),
        "sections": dict(re.findall(r"^\| \*\*(\d+)\*\* " + last, document, re.M)),
        "controls": dict(re.findall(r"^\| (\d+\.\d+(?:\.\d+)?) " + last, document, re.M)),
        "accounts": dict(re.findall(r"^\| (\d{12}) " + last, document, re.M)),
    }


def from_json_document(document: dict) -> dict[str, int]:
    return {name: document["totals"][name] for name in TOTAL_NAMES}
