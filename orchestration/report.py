"""The county scorecard as people read it: for the CLI and the Dagster UI.

Only presentation lives here (ordering, rounding for display); every figure, target,
RAG, direction and variation is read as published by the marts.
"""

from __future__ import annotations

import textwrap
from datetime import date

import duckdb

from orchestration.catalogue import indicators

_SCORECARD = """
    SELECT s.indicator_code, i.indicator_name, i.unit, s.value, s.target, s.rag,
           s.direction, s.data_status, m.month_label, s.variation,
           s.first_published_value, s.revised
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


# A special-cause signal (signals.md) in a word; common cause and no judgement show none.
SIGNAL = {
    "special_cause_improvement": "improvement",
    "special_cause_concern": "concern",
    "special_cause_neither": "special",
}


def revision_note(first_published_value: float | None, revised: bool, unit: str) -> str:
    """How a figure restated since its first publication is marked (signals.md), else ''."""
    if not revised:
        return ""
    first = (
        "with no value" if first_published_value is None else display(first_published_value, unit)
    )
    return f"(revised; first published {first})"


def special_cause_signals(con: duckdb.DuckDBPyConnection, month: date | None) -> int:
    """How many of a month's figures (districts and county) show a special-cause
    variation (signals.md), as the published marts say: what a reviewer looks at first."""
    return con.execute(
        "SELECT count(*) FROM marts.scorecard_monthly "
        "WHERE month_start = ? AND variation LIKE 'special_cause_%'",
        [month],
    ).fetchone()[0]


# Names wrap at whole words on this width; the figures stay on the name's first line.
NAME_WIDTH = 56
# The table's width (name, value, target, RAG, direction, signal): notes wrap to it too.
LINE_WIDTH = NAME_WIDTH + 52

_COUNTY_MONTHS = """
    SELECT s.month_start, any_value(m.month_label),
           bool_and(s.data_status <> 'incomplete') AS complete
    FROM marts.scorecard_monthly AS s
    JOIN marts.dim_month AS m USING (month_start)
    WHERE s.district_code = 'ALL'
    GROUP BY s.month_start
    ORDER BY s.month_start
"""

_WHY_INCOMPLETE = """
    SELECT data_status, string_agg(DISTINCT district_code, ', ' ORDER BY district_code)
    FROM marts.scorecard_monthly
    WHERE month_start = ? AND district_code <> 'ALL'
      AND data_status IN ('not_submitted', 'insufficient_history')
    GROUP BY data_status
    ORDER BY data_status DESC
"""

_WHY = {
    "not_submitted": "not every extract submitted",
    "insufficient_history": "an earlier month missing for a rolling or year-to-date figure",
}


def county_months(con: duckdb.DuckDBPyConnection) -> list[tuple[date, str, bool]]:
    """(month_start, label, complete for the county) of every month, oldest first."""
    return con.execute(_COUNTY_MONTHS).fetchall()


def default_month(con: duckdb.DuckDBPyConnection) -> tuple[date | None, str | None]:
    """The month a committee should see, and why, when it is not simply the latest.

    That is the latest month whose county figures are complete: no county row is
    `incomplete` (indicators.md: some listed district has not submitted an extract
    the indicator needs, or lacks an earlier month of its window). A later month
    that is still incomplete would show the county short of districts.
    """
    months = county_months(con)
    if not months:
        return None, None
    latest, latest_label, latest_complete = months[-1]
    if latest_complete:
        return latest, None
    reasons = "; ".join(
        f"{_WHY[status]}: {districts}"
        for status, districts in con.execute(_WHY_INCOMPLETE, [latest]).fetchall()
    )
    complete = [(month, label) for month, label, is_complete in months if is_complete]
    if not complete:
        return latest, (
            f"No month's county figures are complete; {latest_label}, the latest, is shown "
            f"({reasons})."
        )
    month, label = complete[-1]
    return month, (
        f"{latest_label} is the latest month, but its county figures are incomplete "
        f"({reasons}), so this is {label}, the latest complete month "
        f"(--month {latest:%Y-%m} shows {latest_label})."
    )


def county_scorecard_lines(
    con: duckdb.DuckDBPyConnection, month_start: str | date | None = None
) -> list[str]:
    note = None
    if month_start is None:
        month_start, note = default_month(con)
    rows = county_scorecard(con, month_start)
    if not rows:
        return ["(no months in the warehouse)"]
    lines = [f"County scorecard, {rows[0][8]}", ""]
    if note:
        lines += [*textwrap.wrap(note, LINE_WIDTH), ""]
    lines.append(
        f"{'Indicator':<{NAME_WIDTH}} {'Value':>10} {'Target':>10}  {'RAG':<6} "
        f"{'Direction':<9} Signal"
    )
    for _, name, unit, value, target, rag, direction, status, _, variation, *revision in rows:
        shown = display(value, unit) if status == "ok" else status
        first, *rest = textwrap.wrap(name, NAME_WIDTH, subsequent_indent="  ") or [""]
        line = (
            f"{first:<{NAME_WIDTH}} {shown:>10} {display(target, unit):>10}  "
            f"{rag or '-':<6} {direction or '-':<9} {SIGNAL.get(variation, '-')}"
        )
        if note := revision_note(*revision, unit):
            line = f"{line:<{LINE_WIDTH}}  {note}"  # after the table's width, so notes align
        lines.append(line)
        lines += rest
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
        "| Indicator | Value | Target | RAG | Direction | Signal | Status |",
        "|---|---:|---:|---|---|---|---|",
    ]
    for code, name, unit, value, target, rag, direction, status, _, variation, *revision in rows:
        note = revision_note(*revision, unit)
        lines.append(
            f"| {name} (`{code}`) | {display(value, unit)} | {display(target, unit)} | "
            f"{badge.get(rag, '')} | {direction or ''} | {SIGNAL.get(variation, '')} | "
            f"{status}{' ' + note if note else ''} |"
        )
    return "\n".join(lines)
