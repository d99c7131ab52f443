"""The committee pack: one self-contained HTML file for a month, from the published warehouse.

The page is a Jinja2 template (autoescaped) around the warehouse's rows as figures.py
reads them and the charts charts.py draws from them; its style sheet is inlined and its
charts are inline SVG, so the file opens offline, from an email or a file share.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from jinja2 import Environment, PackageLoader, StrictUndefined

from orchestration.pack import charts, words
from orchestration.pack.families import FAMILIES
from orchestration.pack.figures import (
    SPARKLINE_MONTHS,
    Indicator,
    Month,
    Warehouse,
    months_of,
    read_warehouse,
)
from orchestration.report import default_month, display


@dataclass(frozen=True)
class PackSummary:
    """What the asset's metadata and the CLI say about a pack they wrote."""

    path: Path
    month: str  # YYYY-MM
    month_label: str
    districts: int
    indicators: int
    rag_counts: dict[str, int]  # the county's RAG ratings for the month, "none" unrated

    def sentence(self) -> str:
        return (
            f"Wrote the committee pack for {self.month_label} to {self.path} "
            f"({self.districts} districts, {self.indicators} indicators)"
        )


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("orchestration.pack", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(
        figure=words.figure,
        value_or_status=words.value_or_status,
        target=words.target,
        rag=words.rag,
        direction=words.direction,
        rank=words.rank,
        coded=words.coded,
        revised=words.revised,
        status_words=words.status_words,
        VARIATION=words.VARIATION,
        ASSURANCE=words.ASSURANCE,
        SUBMISSION=words.SUBMISSION,
    )
    return environment


def _indicator_view(w: Warehouse, indicator: Indicator) -> dict:
    """One indicator's charts and the rows of their tables."""
    county = w.county[0]
    trend = [(m, w.cell(m.start, county, indicator.code)) for m in w.months]
    spc_rows = None
    if w.spc is not None:
        spc_rows = [w.spc.get((m.start, indicator.code)) or {} for m, _ in trend]
        if all(row.get("mean") is None for row in spc_rows):
            spc_rows = None  # nothing judged in these months: no columns of blanks
    spc_lists = (
        {
            key: [row.get(key) for row in spc_rows]
            for key in ("mean", "lower_limit", "upper_limit", "variation")
        }
        if spc_rows is not None
        else None
    )
    trend_svg = charts.trend_chart(
        [m.label for m, _ in trend],
        [cell and cell["value"] for _, cell in trend],
        [cell and cell["target"] for _, cell in trend],
        salt=f"trend-{indicator.code}",
        spc=spc_lists,
    )
    ranked = [
        (code, name, w.cell(w.month.start, code, indicator.code)) for code, name in w.districts
    ]
    # the marts' rank first (1 = best); unranked (neutral, no value) after, largest first
    ranked.sort(
        key=lambda item: (
            item[2] is None or item[2]["district_rank"] is None,
            item[2]["district_rank"] if item[2] and item[2]["district_rank"] is not None else 0,
            item[2] is None or item[2]["value"] is None,
            -(item[2]["value"]) if item[2] and item[2]["value"] is not None else 0,
            item[1],
        )
    )

    def bar_label(cell: dict | None) -> str:
        if cell is None or cell["value"] is None:
            return words.status_words(cell and cell["data_status"])
        shown = display(cell["value"], indicator.unit)
        return f"{shown} ({words.RAG[cell['rag']][1]})" if cell["rag"] in words.RAG else shown

    district_svg = charts.district_chart(
        [name for _, name, _ in ranked],
        [cell and cell["value"] for *_, cell in ranked],
        [cell and cell["target"] for *_, cell in ranked],
        [bar_label(cell) for *_, cell in ranked],
        [cell and cell["rag"] for *_, cell in ranked],
        salt=f"districts-{indicator.code}",
    )
    values = [cell for _, cell in trend if cell and cell["value"] is not None]
    missing = Counter(words.status_words(cell and cell["data_status"]) for _, cell in trend)
    return {
        "indicator": indicator,
        "trend": trend,
        "spc": spc_rows,
        "trend_svg": trend_svg,
        "first_label": w.months[0].label,
        "values_shown": len(values),
        "why_missing": "; ".join(f"{word}: {n} months" for word, n in missing.items() if word),
        "ranked": ranked,
        "district_svg": district_svg,
        "district_statuses": sorted(
            {words.status_words(cell and cell["data_status"]) for *_, cell in ranked} - {""}
        ),
    }


def _context(w: Warehouse, note: str | None) -> dict:
    county = w.county[0]
    recent = w.months[-SPARKLINE_MONTHS:]
    headline = []
    for indicator in w.indicators:
        history = [w.cell(m.start, county, indicator.code) for m in recent]
        headline.append(
            {
                "indicator": indicator,
                "cell": w.cell(w.month.start, county, indicator.code),
                "sparkline": charts.sparkline(
                    [cell and cell["value"] for cell in history], salt=f"spark-{indicator.code}"
                ),
            }
        )
    families = [
        (family, [_indicator_view(w, i) for i in w.indicators if i.family == family])
        for family in FAMILIES
    ]
    by_district_extract: dict[tuple[str, str], list[dict]] = {}
    for row in w.submissions:
        by_district_extract.setdefault((row["district_code"], row["extract"]), []).append(row)
    return {
        "w": w,
        "note": note,
        "recent": recent,
        "headline": headline,
        "families": [(family, views) for family, views in families if views],
        "submitted": by_district_extract,
        "rejected_files": [row for row in w.submissions if row["status"] == "rejected"],
        "names": dict([w.county, *w.districts]),
        "indicators": {i.code: i for i in w.indicators},
        "generated_at": datetime.now(UTC).strftime("%d %B %Y, %H:%M UTC"),
    }


def pack_month(con: duckdb.DuckDBPyConnection, month: str | None) -> tuple[Month, str | None]:
    """The month to report (YYYY-MM, else the committee's default month) and, for the
    default, the note saying why it is not the latest. ValueError: no such month."""
    months = months_of(con)
    note = None
    if month is None:
        start, note = default_month(con)
        month = f"{start:%Y-%m}" if start else None
    found = next((m for m in months if m.key == month), None)
    if found is None:
        held = f"run from {months[0].label} to {months[-1].label}" if months else "are none"
        raise ValueError(f"The warehouse holds no figures for {month}: its months {held}.")
    return found, note


def render_pack(con: duckdb.DuckDBPyConnection, month: str | None = None) -> tuple[str, Warehouse]:
    """The pack's HTML for ``month`` (YYYY-MM; default: the committee's month)."""
    chosen, note = pack_month(con, month)
    w = read_warehouse(con, chosen)
    html = _environment().get_template("pack.html.j2").render(_context(w, note))
    return html, w


def write_pack(
    warehouse: Path, out: Path | None, month: str | None = None, reports_dir: Path | None = None
) -> PackSummary:
    """Render the pack from the published file ``warehouse`` and write it to ``out``
    (default: ``reports_dir/<YYYY-MM>.html``), replacing it only once complete."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        html, w = render_pack(con, month)
        rag_counts = dict(
            con.execute(
                "SELECT coalesce(rag, 'none'), count(*) FROM marts.scorecard_monthly "
                "WHERE month_start = ? AND district_code = ? GROUP BY ALL ORDER BY ALL",
                [w.month.start, w.county[0]],
            ).fetchall()
        )
    if out is None:
        out = (reports_dir or warehouse.parent / "reports") / f"{w.month.key}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    partial.write_text(html, encoding="utf-8")
    partial.replace(out)
    return PackSummary(
        path=out,
        month=w.month.key,
        month_label=w.month.label,
        districts=len(w.districts),
        indicators=len(w.indicators),
        rag_counts={key: rag_counts.get(key, 0) for key in ("green", "amber", "red", "none")},
    )
