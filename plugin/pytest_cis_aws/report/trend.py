"""The HTML report's trend over the kept runs (``--cis-history``): inline SVG, nothing fetched.

* the overall score, one point per run;
* the score per section and per account, one small line each;
* the failures new and fixed since the previous run, as bars above and below a line.

Runs of the current benchmark version are drawn together; each other version's runs are
drawn apart (its controls and sections differ, so its scores are not on the same scale).
Every text from a record goes through markupsafe's escape (account ids and section names
come from a file).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from . import charts

LINE_W, LINE_H, PAD = 560, 140, 44  # PAD leaves room for the "100 %" axis label
SPARK_LABEL_W, SPARK_W, SPARK_H, SPARK_VALUE_W = 120, 240, 22, 60
CHANGE_H = 120
LINE, NEW_FILL, FIXED_FILL, GRID = "#1565c0", "#c62828", "#2e7d32", "#dddddd"


@dataclass(frozen=True)
class Change:
    """Failing units new and no longer failing since the previous run of the same version."""

    new: int
    fixed: int


@dataclass(frozen=True)
class Trend:
    benchmark: str
    runs: list[dict]  # oldest first, all of this benchmark version
    others: dict[str, list[dict]]  # other versions' runs, drawn apart
    section_titles: dict[str, str] = field(default_factory=dict)  # "1" -> "Identity and Access Management"

    @property
    def changes(self) -> list[Change | None]:
        """Per run; None for the first (nothing to compare with)."""
        out: list[Change | None] = [None]
        for before, after in zip(self.runs, self.runs[1:]):
            old, new = set(before["failing"]), set(after["failing"])
            out.append(Change(len(new - old), len(old - new)))
        return out

    def series(self, key: str) -> dict[str, list[float | None]]:
        """Per section or account (``key``): its score in each run, None where it had none."""
        names: dict[str, None] = {}
        for run in self.runs:
            names.update(dict.fromkeys(run.get(key) or {}))
        return {name: [(run.get(key) or {}).get(name) for run in self.runs] for name in names}

    @property
    def overall_svg(self) -> Markup:
        return line_svg("cis-trend-overall", f"Compliance score per run, v{self.benchmark}", self.runs)

    @property
    def sections_svg(self) -> Markup:
        return sparklines_svg("cis-trend-sections", "Score per section", self.series("sections"), "section",
                              {n: charts.heading(n, t) for n, t in self.section_titles.items()})

    @property
    def accounts_svg(self) -> Markup:
        return sparklines_svg("cis-trend-accounts", "Score per account", self.series("accounts"), "account")

    @property
    def changes_svg(self) -> Markup:
        return changes_svg(self.runs, self.changes)

    @property
    def others_svg(self) -> list[tuple[str, Markup]]:
        return [(version, line_svg(f"cis-trend-v{version}", f"Compliance score per run, v{version}", runs))
                for version, runs in sorted(self.others.items())]


def build(runs: list[dict], benchmark: str, section_titles: dict[str, str] | None = None) -> Trend:
    mine = [r for r in runs if r.get("benchmark") == benchmark]
    others: dict[str, list[dict]] = {}
    for run in runs:
        if run.get("benchmark") != benchmark:
            others.setdefault(str(run.get("benchmark")), []).append(run)
    return Trend(benchmark, mine, others, dict(section_titles or {}))


def _x(index: int, count: int, left: float, width: float) -> float:
    return left + (width * index / (count - 1) if count > 1 else width / 2)


def _y(percent: float, top: float, height: float) -> float:
    return top + height * (1 - percent / 100)


def _points(values: list[float | None], left: float, top: float, width: float, height: float) -> str:
    return " ".join(f"{_x(i, len(values), left, width):.1f},{_y(v, top, height):.1f}"
                    for i, v in enumerate(values) if v is not None)


def _date(run: dict) -> str:
    return str(run.get("date", ""))[:10]


def line_svg(element_id: str, label: str, runs: list[dict]) -> Markup:
    width, height = LINE_W + 2 * PAD, LINE_H + 2 * PAD
    values = [run.get("score") for run in runs]
    out = [Markup('<svg xmlns="http://www.w3.org/2000/svg" id="{id}" class="cis-chart cis-trend" role="img" '
                  'viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-label="{label}"><title>{label}</title>')
           .format(id=element_id, w=width, h=height, label=label)]
    for percent in (0, 50, 100):
        y = _y(percent, PAD, LINE_H)
        out.append(Markup('<line x1="{l}" x2="{r}" y1="{y:.1f}" y2="{y:.1f}" stroke="{grid}"/>'
                          '<text class="cis-chart__axis" x="{tx}" y="{ty:.1f}" text-anchor="end">{p} %</text>')
                   .format(l=PAD, r=PAD + LINE_W, y=y, grid=GRID, tx=PAD - 4, ty=y + 4, p=percent))
    out.append(Markup('<polyline fill="none" stroke="{c}" stroke-width="2" points="{p}"/>')
               .format(c=LINE, p=_points(values, PAD, PAD, LINE_W, LINE_H)))
    for index, (run, value) in enumerate(zip(runs, values)):
        if value is None:
            continue
        out.append(Markup('<circle class="cis-trend__point" data-run="{run}" data-date="{date}" data-score="{v}" '
                          'cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{c}"><title>{date}: {v} %</title></circle>')
                   .format(run=run.get("run", ""), date=run.get("date", ""), v=value,
                           x=_x(index, len(runs), PAD, LINE_W), y=_y(value, PAD, LINE_H), c=LINE))
    if runs:
        out.append(Markup('<text class="cis-chart__axis" x="{l}" y="{y}">{first}</text>'
                          '<text class="cis-chart__axis" x="{r}" y="{y}" text-anchor="end">{last} ({n} runs)</text>')
                   .format(l=PAD, r=PAD + LINE_W, y=height - 6, first=_date(runs[0]), last=_date(runs[-1]),
                           n=len(runs)))
    out.append(Markup("</svg>"))
    return Markup("").join(out)


def sparklines_svg(element_id: str, label: str, series: dict[str, list[float | None]], kind: str,
                   labels: dict[str, str] | None = None) -> Markup:
    """One small line per section or account; ``labels`` names a row (else its key)."""
    labels = labels or {}
    width = SPARK_LABEL_W + SPARK_W + SPARK_VALUE_W
    height = SPARK_H * len(series) + 4
    out = [Markup('<svg xmlns="http://www.w3.org/2000/svg" id="{id}" class="cis-chart cis-trend" role="img" '
                  'viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-label="{label}"><title>{label}</title>')
           .format(id=element_id, w=width, h=height, label=label)]
    for row, (name, values) in enumerate(series.items()):
        top = row * SPARK_H + 2
        last = next((v for v in reversed(values) if v is not None), None)
        out.append(Markup('<g class="cis-trend__row" data-{kind}="{name}" data-last="{last}">'
                          '<title>{kind} {name}: {history}</title>'
                          '<text x="0" y="{ty}">{shown}</text>'
                          '<rect x="{x}" y="{top}" width="{w}" height="{h}" fill="#f7f7f7"/>'
                          '<polyline fill="none" stroke="{c}" stroke-width="1.5" points="{p}"/>'
                          '<text x="{vx}" y="{ty}">{text}</text></g>')
                   .format(kind=kind, name=name, shown=labels.get(name, name), last="" if last is None else last,
                           history=", ".join("n/a" if v is None else f"{v} %" for v in values),
                           ty=top + SPARK_H // 2 + 3, x=SPARK_LABEL_W, top=top, w=SPARK_W, h=SPARK_H - 4, c=LINE,
                           p=_points(values, SPARK_LABEL_W + 4, top + 2, SPARK_W - 8, SPARK_H - 8),
                           vx=SPARK_LABEL_W + SPARK_W + 8, text="n/a" if last is None else f"{last} %"))
    out.append(Markup("</svg>"))
    return Markup("").join(out)


def changes_svg(runs: list[dict], changes: list[Change | None]) -> Markup:
    width, height = LINE_W + 2 * PAD, CHANGE_H + 2 * PAD
    middle = PAD + CHANGE_H / 2
    most = max((max(c.new, c.fixed) for c in changes if c), default=0) or 1
    slot = LINE_W / max(len(runs), 1)
    bar = max(2.0, min(24.0, slot * 0.6))
    out = [Markup('<svg xmlns="http://www.w3.org/2000/svg" id="cis-trend-changes" class="cis-chart cis-trend" '
                  'role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-label="New and fixed failures">'
                  '<title>Failing units new (up) and fixed (down) since the previous run</title>'
                  '<line x1="{l}" x2="{r}" y1="{m}" y2="{m}" stroke="#999"/>'
                  '<text class="cis-chart__axis" x="{l}" y="14" fill="{nf}">new</text>'
                  '<text class="cis-chart__axis" x="{l}" y="{bottom}" fill="{ff}">fixed</text>')
           .format(w=width, h=height, l=PAD, r=PAD + LINE_W, m=middle, nf=NEW_FILL, ff=FIXED_FILL, bottom=height - 6)]
    for index, (run, change) in enumerate(zip(runs, changes)):
        if change is None:
            continue
        x = PAD + slot * index + (slot - bar) / 2
        up, down = CHANGE_H / 2 * change.new / most, CHANGE_H / 2 * change.fixed / most
        out.append(Markup(
            '<g class="cis-trend__change" data-run="{run}" data-date="{date}" data-new="{new}" data-fixed="{fixed}">'
            '<title>{date}: {new} new, {fixed} fixed since the previous run</title>'
            '<rect x="{x:.1f}" y="{uy:.1f}" width="{b:.1f}" height="{up:.1f}" fill="{nf}"/>'
            '<rect x="{x:.1f}" y="{m:.1f}" width="{b:.1f}" height="{down:.1f}" fill="{ff}"/></g>'
        ).format(run=run.get("run", ""), date=run.get("date", ""), new=change.new, fixed=change.fixed, x=x,
                 uy=middle - up, b=bar, up=up, m=middle, down=down, nf=NEW_FILL, ff=FIXED_FILL))
    out.append(Markup("</svg>"))
    return Markup("").join(out)
