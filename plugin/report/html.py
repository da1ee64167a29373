"""The compliance report inside pytest-html's page.

pytest-html owns the page (title, results table, filters, self-contained assets);
this module renders what it lacks (header, totals, compliance summary, per-account
table, control details) from a Jinja2 template with autoescape on, and the cells of
the extra results-table columns, escaped by hand because pytest-html inserts cells
as HTML.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from jinja2 import Environment
from markupsafe import escape

from . import view

TEMPLATE = "cis_report.html"
STYLESHEET = "cis_report.css"

# Extra results-table columns: (pytest-html column key, header, finding field).
COLUMNS = (
    ("cisControl", "Control", "control"),
    ("cisAccount", "Account", "account"),
    ("cisRegion", "Region", "region"),
    ("cisResource", "Resource", "resource"),
)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(autoescape=True, trim_blocks=False, lstrip_blocks=False)
    env.globals["anchor"] = view.anchor
    return env


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def fragment(report_view: view.View) -> str:
    """The report's own HTML, to sit in pytest-html's summary area."""
    template = _environment().from_string(_asset(TEMPLATE))
    return template.render(v=report_view, css=_asset(STYLESHEET))


def header_cells() -> list[str]:
    return [f'<th class="sortable" data-column-type="{key}">{title}</th>' for key, title, _ in COLUMNS]


def row_cells(finding: dict[str, str] | None) -> list[str]:
    """One cell per extra column; empty cells for reports that carry no finding."""
    finding = finding or {}
    return [f'<td class="col-{key}">{escape(finding.get(field, ""))}</td>' for key, _, field in COLUMNS]


def is_silent_phase(report) -> bool:
    """A passed setup or teardown with no captured output: pytest-html adds no row for it
    (it only appends a teardown's captured output to the test's row)."""
    return report.when in ("setup", "teardown") and report.passed and not report.sections


def escape_test_id(cells: list[str], report) -> None:
    """pytest-html writes the test id unescaped, and ids carry resource names from AWS:
    rebuild that cell from the report, escaped (its own text may hold a "</td>")."""
    test_id = report.nodeid if report.when == "call" else f"{report.nodeid}::{report.when}"
    for index, cell in enumerate(cells):
        if cell.startswith('<td class="col-testId">'):
            cells[index] = f'<td class="col-testId">{escape(test_id)}</td>'
