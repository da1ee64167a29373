"""The compliance report inside pytest-html's page.

pytest-html owns the page (title, results table of every test, outcome filters,
self-contained assets); this module renders what it lacks (header, totals, compliance
summary, per-account table, control details, a finder over every unit) from a Jinja2
template with autoescape on.

The page stays quick to open at organisation scale (tens of thousands of units): what is
counted (totals, summary, per-account table) is HTML, rendered here; the units themselves
are embedded once, as JSON, and the page's script renders them on demand: the finder's
rows (search, filters, sort, a page at a time), each control's failing resources (when its
details are opened or linked to). Above ``LAZY_ABOVE`` units, pytest-html's own table of
every test starts empty and is built when an outcome is ticked (its documented ``visible``
query parameter); below, nothing differs from pytest-html's usual page.
"""
from __future__ import annotations

import base64
import json
import re
import zlib
from functools import lru_cache
from importlib import resources
from typing import Iterator

from jinja2 import Environment
from markupsafe import Markup, escape

from ..outcomes import FAIL
from ..summary import SummaryState
from .. import fixes
from . import view

TEMPLATE = "cis_report.html"
STYLESHEET = "cis_report.css"
SCRIPT = "cis_report.js"
# Units from which pytest-html's table of every test is built only when asked for.
LAZY_ABOVE = 2000
# Units from which the page embeds them compressed, in chunks of CHUNK_UNITS (cis_report.js
# decodes them): an organisation's units are hundreds of megabytes as JSON, a tenth gzipped.
COMPRESS_ABOVE = LAZY_ABOVE
CHUNK_UNITS = 25000
GZIP_LEVEL = 6
GZIP_WBITS = 16 + zlib.MAX_WBITS  # a gzip header and trailer, as DecompressionStream("gzip") reads
# How the JSON's unit rows are laid out (the script reads them by position).
UNIT_FIELDS = ("control", "account", "region", "resource", "status", "message", "test", "case", "fix", "evidence",
               "owner")
# What must not appear raw in a <script> block's JSON (markup from AWS cannot end it), and its escape.
_SCRIPT_UNSAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                  ("\u2029", "\\u2029"))


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(autoescape=True, trim_blocks=False, lstrip_blocks=False)
    env.globals["anchor"] = view.anchor
    env.globals["status_label"] = view.status_label
    env.filters["breakable"] = breakable
    return env


def breakable(text: object) -> Markup:
    """An ARN or id, escaped, with a line-break opportunity (<wbr>) after each ':' and '/',
    as cis_report.js renders them: a narrow column breaks it between its parts."""
    return Markup("<wbr>").join(escape(part) for part in re.split(r"(?<=[:/])(?=.)", str(text)))


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def fragment(report_view: view.View, state: SummaryState, standalone: bool = False) -> str:
    """The report's own HTML, to sit in pytest-html's summary area; ``standalone``: a page of
    its own (cis-merge), with no pytest-html table of every test below it."""
    template = _environment().from_string(_asset(TEMPLATE))
    count = len(state.findings)
    compressed = count > COMPRESS_ABOVE
    units, chunks = compressed_units(state) if compressed else (units_json(state), [])
    return template.render(v=report_view, css=_asset(STYLESHEET), script=Markup(_asset(SCRIPT)),
                           units=units, chunks=chunks, compressed=compressed, lazy=count > LAZY_ABOVE,
                           unit_count=count, standalone=standalone)


class _Tables:
    """Repeated values (controls, accounts, regions, outcomes, test functions) as indexes."""

    def __init__(self, state: SummaryState):
        self.tables: dict[str, dict[str, int]] = {name: {} for name in ("controls", "accounts", "regions", "statuses",
                                                                         "tests", "owners")}
        for control in state.controls:  # benchmark order, so sorting by index sorts by control
            self.index("controls", control.id)

    def index(self, table: str, value: str) -> int:
        return self.tables[table].setdefault(value, len(self.tables[table]))

    def document(self, rows: list) -> dict:
        document = {name: list(values) for name, values in self.tables.items()}
        document["fields"] = list(UNIT_FIELDS)
        document["units"] = rows
        return document


def _rows(state: SummaryState, tables: _Tables) -> Iterator[list]:
    index = tables.index
    for finding in state.sorted_findings():
        test, _, case = finding.test_id.partition("[")
        yield [
            index("controls", finding.control), index("accounts", finding.account),
            index("regions", finding.region), finding.resource, index("statuses", finding.status),
            finding.message, index("tests", test), case[:-1] if case.endswith("]") else case,
            fixes.text(finding.fix),
            # The deciding fields, shown behind a disclosure per failing resource (none for the rest).
            [[item.source, item.fields] for item in view.evidence_items(finding)] if finding.status == FAIL else [],
            index("owners", (finding.owner or "")),  # --cis-owner-tag; the finder filters by it
        ]


def units_json(state: SummaryState) -> Markup:
    """Every unit once, compactly: repeated values as indexes into lists; safe inside a <script> element."""
    tables = _Tables(state)
    rows = list(_rows(state, tables))
    return Markup(script_safe(json.dumps(tables.document(rows), separators=(",", ":"), ensure_ascii=False)))


def compressed_units(state: SummaryState) -> tuple[Markup, list[Markup]]:
    """The units of a large report: the lists of repeated values as JSON (the finder's choices
    need no decoding), and the rows as chunks of gzip-compressed JSON, base64-encoded, that the
    page decodes with DecompressionStream when first needed.

    Each row's JSON goes straight into its chunk's compressor: neither the rows, nor a chunk's
    JSON text, is ever held whole. A chunk's text is tens of megabytes at organisation scale;
    allocated and freed at once, it would also raise the C allocator's threshold for giving
    memory back, and the run would keep the megabytes that follow it to its end."""
    tables = _Tables(state)
    chunks: list[Markup] = []
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    chunk = _GzipChunk()
    for row in _rows(state, tables):
        chunk.add(dumps(row))
        if chunk.rows >= CHUNK_UNITS:
            chunks.append(chunk.close())
            chunk = _GzipChunk()
    if chunk.rows:
        chunks.append(chunk.close())
    head = Markup(script_safe(json.dumps(tables.document([]), separators=(",", ":"), ensure_ascii=False)))
    return head, chunks


class _GzipChunk:
    """One chunk of rows: a JSON array, gzip-compressed as it is written, then base64-encoded."""

    def __init__(self):
        self._gzip = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, GZIP_WBITS)
        self._packed: list[bytes] = []
        self.rows = 0

    def add(self, row_json: str) -> None:
        self._write(("," if self.rows else "[") + row_json)
        self.rows += 1

    def close(self) -> Markup:
        self._write("]")
        self._packed.append(self._gzip.flush())
        # Base64 has no character that could end a <script> element.
        return Markup(base64.b64encode(b"".join(self._packed)).decode("ascii"))

    def _write(self, text: str) -> None:
        packed = self._gzip.compress(text.encode("utf-8"))
        if packed:
            self._packed.append(packed)


def script_safe(text: str) -> str:
    """JSON text made safe inside a <script> element. str.replace, once per character: a
    str.translate table is 20 times slower on the tens of megabytes of an organisation's units."""
    for unsafe, escaped in _SCRIPT_UNSAFE:
        text = text.replace(unsafe, escaped)
    return text


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
