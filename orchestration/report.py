"""The county scorecard as people read it: for the CLI and the Dagster UI.

Only presentation lives here (ordering, rounding for display); every figure, target,
RAG and direction is read as published by the marts.
"""

from __future__ import annotations

import duckdb

from orchestration.catalogue import indicators

_SCORECARD = """
    SELECT s.indicator_code, i.indicator_name, i.unit, s.value, s.target, s.rag,
           s.direction, s.data_status, m.month_label
    FROM marts.scorecard_monthly AS s
    JOIN marts.dim_indicator AS i USING (indicator_code)
    JOIN marts.dim_month AS m USING (month_start)
    WHERE s.district_code = 'ALL'
      AND s.month_start = coalesce(?, (SELECT max(month_start) FROM marts.dim_month))
"""


def county_scorecard(con: duckdb.DuckDBPyConnection, month_start: str | None = None) -> list:
    """The county's rows for a month (default: the latest), in the catalogue's order."""
    rows = {row[0]: row for row in con.execute(_SCORECARD, [month_start]).fetchall()}
    return [
        rows[entry["indicator_code"]] for entry in indicators() if entry["indicator_code"] in rows
    ]


def display(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "percent":
        return f"{value:.1f}%"
    return f"{value:,.1f}"


def county_scorecard_lines(
    con: duckdb.DuckDBPyConnection, month_start: str | None = None
) -> list[str]:
    rows = county_scorecard(con, month_start)
    if not rows:
        return ["(no months in the warehouse)"]
    lines = [f"County scorecard, {rows[0][8]}", ""]
    lines.append(f"{'Indicator':<72} {'Value':>10} {'Target':>10}  {'RAG':<6} {'Direction':<10}")
    for _, name, unit, value, target, rag, direction, status, _ in rows:
        shown = display(value, unit) if status == "ok" else status
        lines.append(
            f"{name[:72]:<72} {shown:>10} {display(target, unit):>10}  "
            f"{rag or '-':<6} {direction or '-':<10}"
        )
    return lines


def county_scorecard_markdown(
    con: duckdb.DuckDBPyConnection, month_start: str | None = None
) -> str:
    rows = county_scorecard(con, month_start)
    if not rows:
        return "No months in the warehouse."
    badge = {"green": "🟢 green", "amber": "🟠 amber", "red": "🔴 red"}
    lines = [
        f"**County scorecard, {rows[0][8]}**",
        "",
        "| Indicator | Value | Target | RAG | Direction | Status |",
        "|---|---:|---:|---|---|---|",
    ]
    for code, name, unit, value, target, rag, direction, status, _ in rows:
        lines.append(
            f"| {name} (`{code}`) | {display(value, unit)} | {display(target, unit)} | "
            f"{badge.get(rag, '')} | {direction or ''} | {status} |"
        )
    return "\n".join(lines)
