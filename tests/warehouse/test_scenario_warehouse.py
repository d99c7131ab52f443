"""The scenario warehouse as a whole: its months, districts, catalogue, targets and grid."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import query
from tests.warehouse.invariants import broken_rules, grid_gaps
from tests.warehouse.landings import SCENARIO_DISTRICTS


def test_months_run_from_the_first_to_the_last_submission(scenario_db):
    rows = query(scenario_db, "SELECT * FROM marts.dim_month ORDER BY month_start")
    assert len(rows) == 14  # March 2011 .. April 2012
    d = dt.date
    assert rows[0] == (d(2011, 3, 1), d(2011, 3, 31), "Mar 2011", "2010-11", 12)
    assert rows[1] == (d(2011, 4, 1), d(2011, 4, 30), "Apr 2011", "2011-12", 1)
    assert rows[9] == (d(2011, 12, 1), d(2011, 12, 31), "Dec 2011", "2011-12", 9)
    assert rows[11] == (d(2012, 2, 1), d(2012, 2, 29), "Feb 2012", "2011-12", 11)
    assert rows[12] == (d(2012, 3, 1), d(2012, 3, 31), "Mar 2012", "2011-12", 12)
    assert rows[13] == (d(2012, 4, 1), d(2012, 4, 30), "Apr 2012", "2012-13", 1)


def test_districts_are_the_listed_ones_plus_the_county(scenario_db):
    rows = query(scenario_db, "SELECT * FROM marts.dim_district WHERE NOT is_county")
    assert sorted(rows) == sorted((code, name, False) for code, name in SCENARIO_DISTRICTS.items())
    county = query(scenario_db, "SELECT district_code FROM marts.dim_district WHERE is_county")
    assert county == [("ALL",)]


CATALOGUE = [  # indicators.md: code, name, unit, polarity
    ("REF_COUNT", "Referrals received", "count", "neutral"),
    (
        "REF_RATE_12M",
        "Referrals per 10,000 children, rolling 12 months",
        "rate_per_10k",
        "lower_is_better",
    ),
    ("IA_COMPLETED", "Initial assessments completed", "count", "neutral"),
    (
        "IA_7WD_PCT",
        "Initial assessments completed within 7 working days of referral",
        "percent",
        "higher_is_better",
    ),
    (
        "IA_OOT_COUNT",
        "Initial assessments in progress outside timescale at month end",
        "count",
        "lower_is_better",
    ),
    (
        "IA_RATE_YTD",
        "Initial assessments per 10,000 children, financial year to date, annualised",
        "rate_per_10k",
        "lower_is_better",
    ),
    (
        "CA_35WD_PCT",
        "Core assessments completed within 35 working days of start",
        "percent",
        "higher_is_better",
    ),
    (
        "CA_OOT_COUNT",
        "Core assessments in progress outside timescale at month end",
        "count",
        "lower_is_better",
    ),
    ("UNALLOC_COUNT", "Open cases unallocated at month end", "count", "lower_is_better"),
    (
        "UNALLOC_28D_COUNT",
        "Open cases unallocated for more than 28 days",
        "count",
        "lower_is_better",
    ),
    (
        "CP_COUNT",
        "Children subject to a child protection plan at month end",
        "count",
        "neutral",
    ),
    (
        "CP_RATE",
        "Children subject to a child protection plan per 10,000",
        "rate_per_10k",
        "lower_is_better",
    ),
    ("LAC_COUNT", "Looked after children at month end", "count", "neutral"),
    ("LAC_RATE", "Looked after children per 10,000", "rate_per_10k", "lower_is_better"),
    ("AGENCY_HEADCOUNT", "Agency workers in case-holding posts", "count", "lower_is_better"),
    ("AGENCY_FTE_PCT", "Agency share of case-holding FTE", "percent", "lower_is_better"),
    (
        "ESTAB_VARIANCE_PCT",
        "Case-holding FTE over (+) or under (-) establishment",
        "percent",
        "neutral",
    ),
    (
        "PERM_FILLED_PCT",
        "Case-holding establishment filled by permanent staff",
        "percent",
        "higher_is_better",
    ),
    (
        "AVG_CASELOAD",
        "Average open cases per case-holding social worker in fieldwork teams",
        "ratio",
        "lower_is_better",
    ),
]


def test_indicators_are_the_catalogue(scenario_db):
    rows = query(
        scenario_db,
        "SELECT indicator_code, indicator_name, unit, polarity FROM marts.dim_indicator",
    )
    assert sorted(rows) == sorted(CATALOGUE)


def every_district(financial_year, code, target, tolerance, county=True):
    districts = [*SCENARIO_DISTRICTS, "ALL"] if county else list(SCENARIO_DISTRICTS)
    return [(financial_year, d, code, target, tolerance) for d in districts]


def test_targets_resolve_district_row_then_blank_row_all_for_the_county_only(scenario_db):
    # landings.SCENARIO_TARGETS; only the warehouse's years (2009-10 has no month).
    expected = [
        # blank row for the districts, the ALL row for the county
        *every_district("2011-12", "REF_RATE_12M", 50, 10, county=False),
        ("2011-12", "ALL", "REF_RATE_12M", 20, 0),  # blank tolerance = 0
        ("2012-13", "REF", "REF_RATE_12M", 52, 0),  # REF's own row only; none for the county
        *every_district("2010-11", "UNALLOC_COUNT", 10, 0),
        # ALLOC's own row beats the blank row, which serves everyone else
        *[row for row in every_district("2011-12", "UNALLOC_COUNT", 10, 0) if row[1] != "ALLOC"],
        ("2011-12", "ALLOC", "UNALLOC_COUNT", 4, 25),
        *every_district("2011-12", "IA_7WD_PCT", 50, 20),
        ("2011-12", "CA", "CA_35WD_PCT", 50, 0),
        ("2011-12", "WF", "PERM_FILLED_PCT", 80, 10),
        ("2011-12", "WFX", "PERM_FILLED_PCT", 29, 0),
        ("2012-13", "WFX", "PERM_FILLED_PCT", 4, 10),
        *every_district("2010-11", "AGENCY_FTE_PCT", 40, 10),
        ("2011-12", "WF", "AGENCY_FTE_PCT", 5, 10),
        *every_district("2011-12", "LAC_COUNT", 2, 10),  # neutral: still a target
    ]
    rows = query(scenario_db, "SELECT * FROM marts.fct_target")
    assert sorted(rows) == sorted(expected)


def test_every_month_district_and_indicator_has_exactly_one_row(scenario_db):
    assert grid_gaps(scenario_db) == {}
    (count,) = query(scenario_db, "SELECT count(*) FROM marts.scorecard_monthly")[0]
    assert count == 14 * 9 * 19  # months x (8 districts + county) x indicators


@pytest.mark.parametrize("database", ["scenario_db", "sparse_db"])
def test_every_row_follows_the_status_rag_direction_and_rank_rules(request, database):
    assert broken_rules(request.getfixturevalue(database)) == {}
