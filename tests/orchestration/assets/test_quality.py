"""The great-expectations suites keep only the figure bounds no dbt test declares, and
each of them fails on the row that breaks it (and on nothing else)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.assets.quality import (
    SUITES,
    _scorecard_expectations,
    _workforce_expectations,
    months_to_validate,
    validate,
)

# Rows the scorecard suite must accept, each on an edge of a bound.
CLEAN_SCORECARD = [
    # indicator_code, unit, data_status, numerator, value
    ("REF_COUNT", "count", "ok", 0.0, 0.0),  # a count of zero
    ("IA_7WD_PCT", "percent", "ok", 4.0, 100.0),  # a share of exactly 100
    ("ESTAB_VARIANCE_PCT", "percent", "ok", -0.5, -12.5),  # a percent may be negative
    ("PERM_FILLED_PCT", "percent", "ok", 6.0, 120.0),  # not a share: may exceed 100
    ("CP_RATE", "rate_per_10k", "not_submitted", None, None),  # no value unless ok
]
COLUMNS = ["indicator_code", "unit", "data_status", "numerator", "value"]


def failed(summaries: list[dict]) -> list[tuple[str, str, int]]:
    return [
        (summary["expectation"], summary["column"], summary["unexpected_count"])
        for summary in summaries
        if not summary["success"]
    ]


def test_the_scorecard_suite_passes_figures_on_the_edges_of_their_bounds():
    frame = pd.DataFrame(CLEAN_SCORECARD, columns=COLUMNS)
    summaries = validate(frame, _scorecard_expectations(), "scorecard_monthly")
    assert len(summaries) == 4
    assert failed(summaries) == []


def test_the_scorecard_suite_fails_each_bound_on_the_row_that_breaks_it():
    broken = [
        ("LAC_COUNT", "count", "ok", 3.0, None),  # ok without a value
        ("AGENCY_FTE_PCT", "percent", "ok", 5.0, 100.5),  # a share above 100
        ("CP_RATE", "rate_per_10k", "ok", -2.0, -1.0),  # a negative rate and numerator
    ]
    frame = pd.DataFrame(CLEAN_SCORECARD + broken, columns=COLUMNS)
    summaries = validate(frame, _scorecard_expectations(), "scorecard_monthly")
    # one unexpected row each: LAC_COUNT, AGENCY_FTE_PCT, CP_RATE's value, its numerator
    assert failed(summaries) == [
        ("expect_column_values_to_not_be_null", "value", 1),
        ("expect_column_values_to_be_between", "value", 1),
        ("expect_column_values_to_be_between", "value", 1),
        ("expect_column_values_to_be_between", "numerator", 1),
    ]


def test_the_workforce_suite_fails_only_the_negative_column():
    columns = [
        "case_holding_headcount", "case_holding_fte", "agency_headcount", "agency_fte",
        "permanent_fte", "establishment_fte", "allocated_cases",
    ]  # fmt: skip
    frame = pd.DataFrame([[2, 1.5, 1, 0.5, 1.0, 2.0, 7], [0, 0.0, 0, 0.0, 0.0, 0.0, -1]])
    frame.columns = columns
    summaries = validate(frame, _workforce_expectations(), "fct_workforce_monthly")
    assert len(summaries) == 7
    assert failed(summaries) == [("expect_column_values_to_be_between", "allocated_cases", 1)]


# --- which months are validated ----------------------------------------------------------

SCORECARD_SUITE = next(suite for suite in SUITES if suite.name == "scorecard_monthly")


def _marts(path: Path, rows: list[tuple]) -> None:
    """A database with the two marts the scorecard suite reads: (month, district, value)."""
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute(
            "CREATE TABLE marts.dim_indicator AS "
            "SELECT 'REF_COUNT' AS indicator_code, 'count' AS unit"
        )
        con.execute(
            "CREATE TABLE marts.scorecard_monthly (month_start DATE, district_code TEXT, "
            "indicator_code TEXT, value DOUBLE, numerator DOUBLE, data_status TEXT, rag TEXT)"
        )
        con.executemany(
            "INSERT INTO marts.scorecard_monthly VALUES (?, ?, 'REF_COUNT', ?, ?, 'ok', 'green')",
            [(month, district, value, value) for month, district, value in rows],
        )


ROWS = [("2011-04-01", "NOR", 1.0), ("2011-05-01", "NOR", 2.0), ("2011-06-01", "NOR", 3.0)]


def _months(work: Path, published: Path) -> list[str]:
    with duckdb.connect(str(work), read_only=True) as con:
        months = months_to_validate(con, SCORECARD_SUITE, published)
    return [str(month) for month in months]


def test_only_months_with_rows_the_published_file_lacks_are_validated(tmp_path):
    work, published = tmp_path / "work.duckdb", tmp_path / "published.duckdb"
    _marts(published, ROWS)
    # May's value changes and July is new; a column the suite does not read (rag) changes
    # in April, which needs no new validation
    _marts(work, [ROWS[0], ("2011-05-01", "NOR", 5.0), ROWS[2], ("2011-07-01", "NOR", 4.0)])
    with duckdb.connect(str(work)) as con:
        con.execute(
            "UPDATE marts.scorecard_monthly SET rag = 'red' WHERE month_start = '2011-04-01'"
        )
    assert _months(work, published) == ["2011-05-01", "2011-07-01"]
    _marts(tmp_path / "same.duckdb", ROWS)
    assert _months(tmp_path / "same.duckdb", published) == []


def test_every_month_is_validated_without_a_published_file_it_can_trust(tmp_path):
    work, published = tmp_path / "work.duckdb", tmp_path / "published.duckdb"
    _marts(work, ROWS)
    every = ["2011-04-01", "2011-05-01", "2011-06-01"]
    assert _months(work, published) == every  # nothing published yet
    published.write_bytes(b"not a database")
    assert _months(work, published) == every
    published.unlink()
    with duckdb.connect(str(published)) as con:
        con.execute("CREATE SCHEMA marts")  # a file without the marts
    assert _months(work, published) == every
    published.unlink()
    _marts(published, ROWS)
    os.utime(published, (0, 0))  # published before the suite's code last changed
    assert _months(work, published) == every
