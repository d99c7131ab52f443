"""Everything the committee pack shows, read from the published warehouse as it stands.

The marts own every figure: this module only selects rows (a month's window, a
district's scorecard, the audit of a month) and never derives a value, RAG, rank or
signal. Columns and tables that `signals.md` adds are read only when the warehouse
has them (information_schema), so a pack of an older warehouse omits them rather
than showing blanks that look like figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from orchestration.catalogue import indicators as catalogue
from orchestration.catalogue import needed_extracts
from orchestration.pack.families import family_of

TREND_MONTHS = 24  # the county chart of each indicator
SPARKLINE_MONTHS = 13  # the headline's trend: this month and the same month a year ago

# scorecard_monthly's columns from signals.md, section 3; shown only when present
SIGNAL_COLUMNS = ("variation", "assurance", "first_published_value", "revised")


@dataclass(frozen=True)
class Month:
    start: date
    label: str

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m}"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    polarity: str
    family: str


@dataclass
class Warehouse:
    """The rows of one pack: a month, its trend window and the marts and audit around it."""

    month: Month
    months: list[Month]  # the trend window, oldest first, ending with ``month``
    county: tuple[str, str]  # (code, name)
    districts: list[tuple[str, str]]  # listed districts (code, name), by name
    indicators: list[Indicator]  # in the catalogue's order, then any others by code
    # (month_start, district_code, indicator_code) -> the scorecard row as a dict
    scorecard: dict[tuple[date, str, str], dict]
    signal_columns: tuple[str, ...]  # those of SIGNAL_COLUMNS the warehouse has
    spc: dict[tuple[date, str], dict] | None  # county (month, indicator) -> XmR row
    submissions: list[dict] = field(default_factory=list)
    extracts: list[str] = field(default_factory=list)
    rejected_rows: list[dict] = field(default_factory=list)
    revisions: list[dict] | None = None  # None: the warehouse keeps no publication history

    def cell(self, month: date, district: str, indicator: str) -> dict | None:
        return self.scorecard.get((month, district, indicator))


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    return {
        name
        for (name,) in con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ?",
            [schema, table],
        ).fetchall()
    }


def months_of(con: duckdb.DuckDBPyConnection) -> list[Month]:
    return [
        Month(start, label)
        for start, label in con.execute(
            "SELECT month_start, month_label FROM marts.dim_month ORDER BY month_start"
        ).fetchall()
    ]


def _indicators(con: duckdb.DuckDBPyConnection) -> list[Indicator]:
    """dim_indicator's rows; the family from its `needs` when the warehouse has that
    column, else from the code (families.py)."""
    needs = "needs" in _columns(con, "marts", "dim_indicator")
    rows = con.execute(
        "SELECT indicator_code, indicator_name, unit, polarity, "
        f"{'needs' if needs else 'NULL'} FROM marts.dim_indicator"
    ).fetchall()
    order = {entry["indicator_code"]: i for i, entry in enumerate(catalogue())}
    rows.sort(key=lambda row: (order.get(row[0], len(order)), row[0]))
    return [
        Indicator(code, name, unit, polarity, family_of(code, need))
        for code, name, unit, polarity, need in rows
    ]


def read_warehouse(con: duckdb.DuckDBPyConnection, month: Month) -> Warehouse:
    months = [m for m in months_of(con) if m.start <= month.start][-TREND_MONTHS:]
    first = months[0].start
    districts = con.execute(
        "SELECT district_code, district_name, is_county FROM marts.dim_district "
        "ORDER BY district_name, district_code"
    ).fetchall()
    county = next(
        ((code, name) for code, name, is_county in districts if is_county), ("ALL", "County")
    )
    signal_columns = tuple(
        column for column in SIGNAL_COLUMNS if column in _columns(con, "marts", "scorecard_monthly")
    )
    extra = "".join(f", {column}" for column in signal_columns)
    rows = _dicts(
        con,
        "SELECT month_start, district_code, indicator_code, value, target, rag, direction, "
        "data_status, district_rank, "
        # how many districts were ranked, for "3 of 12": a count of the marts' own ranks
        "count(district_rank) OVER (PARTITION BY month_start, indicator_code) AS ranked"
        f"{extra} FROM marts.scorecard_monthly WHERE month_start BETWEEN ? AND ?",
        [first, month.start],
    )
    scorecard = {(r["month_start"], r["district_code"], r["indicator_code"]): r for r in rows}
    spc = None
    if _columns(con, "marts", "fct_indicator_spc"):
        spc = {
            (r["month_start"], r["indicator_code"]): r
            for r in _dicts(
                con,
                "SELECT month_start, indicator_code, mean, lower_limit, upper_limit, spc_rule, "
                "variation FROM marts.fct_indicator_spc "
                "WHERE district_code = ? AND month_start BETWEEN ? AND ?",
                [county[0], first, month.start],
            )
        }
    warehouse = Warehouse(
        month=month,
        months=months,
        county=county,
        districts=[(code, name) for code, name, is_county in districts if not is_county],
        indicators=_indicators(con),
        scorecard=scorecard,
        signal_columns=signal_columns,
        spc=spc,
    )
    _read_audit(con, warehouse)
    if {"first_published_value", "revised"} <= set(signal_columns):
        warehouse.revisions = _dicts(
            con,
            "SELECT month_start, district_code, indicator_code, first_published_value, value, "
            "data_status FROM marts.scorecard_monthly "
            "WHERE revised AND (month_start = ? OR (district_code = ? AND month_start >= ?)) "
            "ORDER BY month_start DESC, district_code = ? DESC, district_code, indicator_code",
            [month.start, county[0], months[-SPARKLINE_MONTHS:][0].start, county[0]],
        )
    return warehouse


def _read_audit(con: duckdb.DuckDBPyConnection, warehouse: Warehouse) -> None:
    """The month's files and rejected rows: reasons and counts only, never a raw record."""
    if not _columns(con, "audit", "submissions"):
        return
    warehouse.submissions = _dicts(
        con,
        "SELECT district_code, extract, file_name, status, rows_read, rows_loaded, "
        "rows_rejected, error FROM audit.submissions "
        "WHERE reporting_month = ? OR (district_code IS NULL AND status = 'rejected') "
        "ORDER BY district_code NULLS FIRST, extract, file_name",
        [warehouse.month.start],
    )
    # a file the landing ignored by its name (`referrals (1).csv`) has no extract: no column
    seen = {r["extract"] for r in warehouse.submissions if r["district_code"] and r["extract"]}
    # the extracts the catalogue's indicators need, in its order (importing the contracts
    # for their names would load pandera: seconds for a list of eight words)
    needed = [name for entry in catalogue() for name in needed_extracts(entry["needs"])]
    expected = list(dict.fromkeys(needed))
    warehouse.extracts = [*expected, *sorted(seen - set(expected))]
    if _columns(con, "audit", "rejected_rows"):
        warehouse.rejected_rows = _dicts(
            con,
            "SELECT district_code, extract, reason, count(*) AS rows FROM audit.rejected_rows "
            "WHERE reporting_month = ? GROUP BY ALL "
            "ORDER BY district_code, extract, rows DESC, reason",
            [warehouse.month.start],
        )
