"""End to end on the demo generator's realistic landing, and the marts contract.

The demo's figures cannot be worked out by hand, so this checks the rules that hold for any
landing (invariants.py): the grid is complete; the county's numerator and denominator are
the sums of the districts' wherever the county is ok or zero_denominator; the county is
incomplete exactly when some district is not_submitted or insufficient_history; and every
status, value, RAG, direction and rank follows indicators.md. The warehouse, generated_db,
is tests/conftest.py's: the committee pack's tests read the same build.
"""

from __future__ import annotations

import pytest

from tests.conftest import query
from tests.warehouse.invariants import broken_rules, grid_gaps


def test_generated_months_and_grid_are_complete(generated_db):
    months = query(generated_db, "SELECT strftime(month_start, '%Y-%m') FROM marts.dim_month")
    assert sorted(months) == [("2011-03",), ("2011-04",), ("2011-05",)]
    assert grid_gaps(generated_db) == {}


def test_generated_figures_follow_every_rule(generated_db):
    assert broken_rules(generated_db) == {}


def test_generated_county_has_figures(generated_db):
    # Not vacuous: the county has values, summed from districts that have them.
    (ok,) = query(
        generated_db,
        "SELECT count(*) FROM marts.scorecard_monthly "
        "WHERE district_code = 'ALL' AND data_status = 'ok' AND numerator > 0",
    )[0]
    assert ok >= 30


# warehouse.md, "marts schema", and signals.md section 3: every table and its columns, in order.
MARTS = {
    "dim_district": ["district_code", "district_name", "is_county"],
    "dim_month": ["month_start", "month_end", "month_label", "financial_year", "fy_month"],
    "dim_indicator": ["indicator_code", "indicator_name", "unit", "polarity", "definition"],
    "dim_publication": ["publication_id", "published_at", "first_month", "last_month"],
    "fct_scorecard_revision": [
        "month_start",
        "district_code",
        "indicator_code",
        "publication_id",
        "value",
        "data_status",
        "rag",
    ],
    "fct_indicator_monthly": [
        "month_start",
        "district_code",
        "indicator_code",
        "numerator",
        "denominator",
        "value",
        "data_status",
    ],
    "fct_indicator_spc": [
        "month_start",
        "district_code",
        "indicator_code",
        "value",
        "points",
        "mean",
        "lower_limit",
        "upper_limit",
        "spc_rule",
        "variation",
        "assurance",
    ],
    "fct_target": ["financial_year", "district_code", "indicator_code", "target", "tolerance_pct"],
    "fct_workforce_monthly": [
        "month_start",
        "district_code",
        "team_code",
        "team_type",
        "case_holding_headcount",
        "case_holding_fte",
        "agency_headcount",
        "agency_fte",
        "permanent_fte",
        "establishment_fte",
        "allocated_cases",
    ],
    "scorecard_monthly": [
        "month_start",
        "district_code",
        "indicator_code",
        "value",
        "numerator",
        "denominator",
        "data_status",
        "target",
        "tolerance_pct",
        "rag",
        "previous_value",
        "direction",
        "district_rank",
        "variation",
        "assurance",
        "first_published_value",
        "revised",
    ],
}


@pytest.mark.parametrize("database", ["generated_db", "scenario_db"])
def test_marts_are_exactly_the_published_contract(request, database):
    rows = query(
        request.getfixturevalue(database),
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'marts' ORDER BY table_name, ordinal_position",
    )
    published: dict[str, list[str]] = {}
    for table, column in rows:
        published.setdefault(table, []).append(column)
    assert published == MARTS


def test_month_columns_are_dates(scenario_db):
    rows = query(
        scenario_db,
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'marts' AND column_name IN ('month_start', 'month_end')",
    )
    assert rows and {data_type for _, _, data_type in rows} == {"DATE"}
