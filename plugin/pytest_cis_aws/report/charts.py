"""The HTML report's charts: inline SVG drawn here, so the page fetches nothing to show them.

* the pass rate (compliance score) of each section, as horizontal bars; with a baseline,
  the section's new, fixed and known failures beside its bar;
* an account x section heat map of failures, each cell linking to that account's first
  failing resource of the section in the control details.

The numbers come from the summary state (``build``); this module only places and draws
them. Everything that is text in the SVG goes through markupsafe's escape. The charts are
small (one row per section, one cell per account and section) whatever the number of
findings.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

from ..outcomes import FAIL, KNOWN
from ..summary import Score, SummaryState

# Pass-rate bars: label column, bar, value, then the baseline's three columns.
BAR_LABEL_W, BAR_W, BAR_VALUE_W, BASELINE_COL_W = 250, 300, 70, 56
BAR_ROW_H, BAR_H, HEADER_H = 28, 16, 24
# Heat map: account column, one cell per section.
HEAT_LABEL_W, HEAT_CELL_W, HEAT_CELL_H = 120, 96, 26
BASELINE_COLUMNS = ("new", "fixed", "known")
NO_SCORE_FILL, TRACK_FILL, BAR_FILL = "#eeeeee", "#f1f1f1", "#2e7d32"
CLEAN_FILL, UNJUDGED_FILL = "#e8f5e9", "#f5f5f5"
HEAT_LIGHT, HEAT_DARK = (0xff, 0xcd, 0xd2), (0xb7, 0x1c, 0x1c)
SHORT_TITLES = {"Identity and Access Management": "IAM"}  # else a heat-map heading is the title's first word


def short_title(title: str) -> str:
    return SHORT_TITLES.get(title) or title.split()[0]


def heading(number: str, title: str) -> str:
    """A heat-map column's heading: "4 Monitoring"; a team's own section (ORG) is named by its key."""
    return f"{number} {short_title(title)}" if number[:1].isdigit() else number


@dataclass(frozen=True)
class SectionBar:
    number: str
    title: str
    score: Score
    # Against the baseline (None without --cis-baseline).
    new: int | None = None
    fixed: int | None = None
    known: int | None = None


@dataclass(frozen=True)
class HeatCell:
    section: str
    failed: int
    judged: int  # passed + failed + known: 0 means nothing in this section could be judged here
    href: str = ""  # the details of this account's first failing resource in the section


@dataclass(frozen=True)
class HeatRow:
    account: str
    cells: list[HeatCell]


@dataclass(frozen=True)
class Charts:
    bars: list[SectionBar]
    heat: list[HeatRow]
    baseline: bool = False
    titles: dict[str, str] = field(default_factory=dict)  # section number -> title, in benchmark order

    @property
    def pass_rate_svg(self) -> Markup:
        return pass_rate_svg(self.bars, self.baseline)

    @property
    def heat_map_svg(self) -> Markup:
        return heat_map_svg(self.heat, self.titles)


def build(state: SummaryState, first_failing: dict[tuple[str, str], str]) -> Charts:
    """``first_failing[(account, section)]``: the anchor of that account's first failing
    resource in the section's control details (view.build knows where they are)."""
    gating = state.gating
    baseline = bool(gating and gating.baseline)
    section_of = {c.id: c.section for c in state.controls}
    fixed: dict[str, int] = {}
    if baseline:
        for control, count in gating.fixed_by_control.items():
            if control in section_of:
                fixed[section_of[control]] = fixed.get(section_of[control], 0) + count
    # The sections' titles as the controls carry them: the version's, and a team's own sections.
    titles = {c.section: c.section_title for c in state.controls}
    bars = []
    for number, counts in state.section_counts().items():
        score = Score.of(counts)
        bars.append(SectionBar(
            number, titles[number], score,
            new=counts[FAIL] if baseline else None,
            fixed=fixed.get(number, 0) if baseline else None,
            known=counts[KNOWN] if baseline else None,
        ))
    heat = []
    for account, sections in state.account_section_counts().items():
        cells = []
        for number, counts in sections.items():
            score = Score.of(counts)
            # Known failures are failures here as in the score; only new ones have details to open.
            href = first_failing.get((account, number), "") if score.failed else ""
            cells.append(HeatCell(number, score.failing, score.judged, href))
        heat.append(HeatRow(account, cells))
    return Charts(bars, heat, baseline, {b.number: b.title for b in bars})


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def pass_rate_svg(bars: list[SectionBar], baseline: bool) -> Markup:
    width = BAR_LABEL_W + BAR_W + BAR_VALUE_W + (BASELINE_COL_W * len(BASELINE_COLUMNS) if baseline else 0)
    height = HEADER_H + BAR_ROW_H * len(bars)
    out = [Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" id="cis-chart-pass-rate" class="cis-chart" role="img" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-label="Pass rate per section">'
        '<title>Pass rate per section: passed / (passed + failed)</title>'
    ).format(w=width, h=height)]
    out.append(Markup('<text class="cis-chart__axis" x="{x}" y="16">0 %</text>'
                      '<text class="cis-chart__axis" x="{x2}" y="16" text-anchor="end">100 %</text>')
               .format(x=BAR_LABEL_W, x2=BAR_LABEL_W + BAR_W))
    if baseline:
        for index, name in enumerate(BASELINE_COLUMNS):
            x = BAR_LABEL_W + BAR_W + BAR_VALUE_W + BASELINE_COL_W * index + BASELINE_COL_W // 2
            out.append(Markup('<text class="cis-chart__head" x="{x}" y="16" text-anchor="middle">{name}</text>')
                       .format(x=x, name=name.capitalize()))
    for row, bar in enumerate(bars):
        top = HEADER_H + BAR_ROW_H * row
        middle = top + BAR_ROW_H // 2 + 4
        percent = bar.score.percent
        filled = 0 if percent is None else round(BAR_W * percent / 100, 1)
        out.append(Markup(
            '<g class="cis-bar" data-section="{n}" data-percent="{p}" data-passed="{passed}" data-failed="{failed}">'
            '<title>Section {n} {title}: {text} ({passed} passed, {failed} failed)</title>'
            '<text class="cis-bar__label" x="0" y="{middle}">{n} {title}</text>'
            '<rect class="cis-bar__track" x="{x}" y="{y}" width="{w}" height="{h}" fill="{track}"/>'
            '<rect class="cis-bar__fill" x="{x}" y="{y}" width="{filled}" height="{h}" fill="{fill}"/>'
            '<text class="cis-bar__value" x="{vx}" y="{middle}">{text}</text>'
        ).format(
            n=bar.number, title=bar.title, p=bar.score.text, passed=bar.score.passed, failed=bar.score.failing,
            middle=middle, x=BAR_LABEL_W, y=top + (BAR_ROW_H - BAR_H) // 2, w=BAR_W, h=BAR_H, filled=_num(filled),
            track=TRACK_FILL if percent is not None else NO_SCORE_FILL, fill=BAR_FILL,
            vx=BAR_LABEL_W + BAR_W + 8, text=bar.score.text + (" %" if percent is not None else ""),
        ))
        if baseline:
            for index, name in enumerate(BASELINE_COLUMNS):
                x = BAR_LABEL_W + BAR_W + BAR_VALUE_W + BASELINE_COL_W * index + BASELINE_COL_W // 2
                out.append(Markup(
                    '<text class="cis-bar__baseline cis-bar__baseline--{name}" data-baseline="{name}" '
                    'x="{x}" y="{middle}" text-anchor="middle">{value}</text>'
                ).format(name=name, x=x, middle=middle, value=getattr(bar, name)))
        out.append(Markup("</g>"))
    out.append(Markup("</svg>"))
    return Markup("").join(out)


def _heat_fill(failed: int, judged: int, most: int) -> tuple[str, str]:
    """(cell colour, text colour): green when nothing failed, grey when nothing was judged,
    else from light to dark red with the share of the largest cell."""
    if not judged:
        return UNJUDGED_FILL, "#757575"
    if not failed:
        return CLEAN_FILL, "#2e7d32"
    share = failed / most
    red, green, blue = (round(lo + (hi - lo) * share) for lo, hi in zip(HEAT_LIGHT, HEAT_DARK))
    return f"#{red:02x}{green:02x}{blue:02x}", "#ffffff" if share > 0.5 else "#222222"


def heat_map_svg(rows: list[HeatRow], titles: dict[str, str]) -> Markup:
    sections = list(titles)
    width = HEAT_LABEL_W + HEAT_CELL_W * len(sections)
    height = HEADER_H + HEAT_CELL_H * len(rows)
    most = max((cell.failed for row in rows for cell in row.cells), default=0) or 1
    out = [Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" id="cis-chart-heat-map" class="cis-chart" role="img" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-label="Failures per account and section">'
        '<title>Failed resources per account and section</title>'
    ).format(w=width, h=height)]
    for index, number in enumerate(sections):
        x = HEAT_LABEL_W + HEAT_CELL_W * index + HEAT_CELL_W // 2
        out.append(Markup('<text class="cis-chart__head" x="{x}" y="16" text-anchor="middle">{label}<title>{title}</title>'
                          '</text>').format(x=x, label=heading(number, titles[number]),
                                            title=f"Section {number} {titles[number]}"))
    for row_index, row in enumerate(rows):
        top = HEADER_H + HEAT_CELL_H * row_index
        middle = top + HEAT_CELL_H // 2 + 4
        out.append(Markup('<text class="cis-heat__account" x="0" y="{y}">{account}</text>').format(y=middle, account=row.account))
        for index, cell in enumerate(row.cells):
            x = HEAT_LABEL_W + HEAT_CELL_W * index
            fill, ink = _heat_fill(cell.failed, cell.judged, most)
            text = str(cell.failed) if cell.judged else "\u2013"
            body = Markup(
                '<title>{account}, section {section} {title}: {failed} failed of {judged} judged</title>'
                '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" stroke="#ffffff"/>'
                '<text x="{tx}" y="{ty}" text-anchor="middle" fill="{ink}">{text}</text>'
            ).format(account=row.account, section=cell.section, title=titles[cell.section], failed=cell.failed,
                     judged=cell.judged, x=x, y=top, w=HEAT_CELL_W, h=HEAT_CELL_H, fill=fill,
                     tx=x + HEAT_CELL_W // 2, ty=middle, ink=ink, text=text)
            attributes = Markup('class="cis-heat__cell" data-account="{a}" data-section="{s}" data-failed="{f}"').format(
                a=row.account, s=cell.section, f=cell.failed)
            if cell.href:
                out.append(Markup('<a {attributes} href="#{href}">{body}</a>').format(
                    attributes=attributes, href=cell.href, body=body))
            else:
                out.append(Markup("<g {attributes}>{body}</g>").format(attributes=attributes, body=body))
    out.append(Markup("</svg>"))
    return Markup("").join(out)
