"""The sparse landing: a district without population, months without submissions.

reference: districts NP and OK1; population only for OK1 (2011: 1,000);
           targets CP_RATE 2010-11 ALL 10, CP_COUNT 2010-11 OK1 1 tol 0
2011-01/   NP and OK1, every extract header-only except cp_plans:
           NP one open plan (child N1), OK1 two (M1, M2)
2011-02/   only XYZ/, a district that is not listed
2011-03/   OK1 alone, every extract header-only
2011-04/   ok1/ (OK1 in lower case), an empty folder
2011-05/   only XYZ/;   2011-13/OK1/ and tmp/OK1/: not months
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import query
from tests.warehouse.checks import expect, expect_status
from tests.warehouse.invariants import grid_gaps

CODES = [
    "REF_COUNT",
    "REF_RATE_12M",
    "IA_COMPLETED",
    "IA_7WD_PCT",
    "IA_OOT_COUNT",
    "IA_RATE_YTD",
    "CA_35WD_PCT",
    "CA_OOT_COUNT",
    "UNALLOC_COUNT",
    "UNALLOC_28D_COUNT",
    "CP_COUNT",
    "CP_RATE",
    "LAC_COUNT",
    "LAC_RATE",
    "AGENCY_HEADCOUNT",
    "AGENCY_FTE_PCT",
    "ESTAB_VARIANCE_PCT",
    "PERM_FILLED_PCT",
    "AVG_CASELOAD",
]


def test_a_month_folder_without_a_listed_district_is_still_a_month_inside_the_range(sparse_db):
    # Earliest month folder holding a listed district's folder: 2011-01; latest: 2011-04
    # (an empty OK1 folder). February holds only XYZ but lies between; May (XYZ only),
    # 2011-13 and tmp are not months of the warehouse.
    d = dt.date
    assert query(sparse_db, "SELECT * FROM marts.dim_month ORDER BY month_start") == [
        (d(2011, 1, 1), d(2011, 1, 31), "Jan 2011", "2010-11", 10),
        (d(2011, 2, 1), d(2011, 2, 28), "Feb 2011", "2010-11", 11),
        (d(2011, 3, 1), d(2011, 3, 31), "Mar 2011", "2010-11", 12),
        (d(2011, 4, 1), d(2011, 4, 30), "Apr 2011", "2011-12", 1),
    ]
    assert sorted(query(sparse_db, "SELECT * FROM marts.dim_district WHERE NOT is_county")) == [
        ("NP", "No population", False),
        ("OK1", "One", False),
    ]
    assert query(sparse_db, "SELECT district_code FROM marts.dim_district WHERE is_county") == [
        ("ALL",)
    ]


def test_the_grid_is_complete(sparse_db):
    assert grid_gaps(sparse_db) == {}
    (count,) = query(sparse_db, "SELECT count(*) FROM marts.scorecard_monthly")[0]
    assert count == 4 * 3 * len(CODES)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize(
    ("month", "district"),
    [
        ("2011-02", "NP"),
        ("2011-02", "OK1"),
        ("2011-03", "NP"),
        ("2011-04", "NP"),
        ("2011-04", "OK1"),
    ],
)
def test_no_folder_or_an_empty_folder_is_not_submitted(sparse, month, district, code):
    expect_status(sparse(month, district, code), "not_submitted")


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("month", ["2011-02", "2011-03", "2011-04"])
def test_the_county_is_incomplete_when_a_district_did_not_submit(sparse, month, code):
    # incomplete is checked before no_denominator (NP has no population).
    expect_status(sparse(month, "ALL", code), "incomplete")


def test_district_without_population_has_no_denominator_for_rates_only(sparse):
    # Counts are given as usual: NP's one plan.
    expect(sparse("2011-01", "NP", "CP_COUNT"), value=1, numerator=1, data_status="ok")
    for code in ["CP_RATE", "LAC_RATE"]:
        expect_status(sparse("2011-01", "NP", code), "no_denominator")
    # Rolling and year-to-date rates: insufficient_history is checked first.
    for code in ["REF_RATE_12M", "IA_RATE_YTD"]:
        expect_status(sparse("2011-01", "NP", code), "insufficient_history")
    # OK1: 2 / 1,000 * 10,000 = 20.0; the ALL target is the county's only.
    expect(
        sparse("2011-01", "OK1", "CP_RATE"),
        value=20.0,
        numerator=2,
        denominator=1000,
        data_status="ok",
        target=None,
        rag=None,
        district_rank=1,  # NP has no value
    )
    # A neutral indicator's district target is shown without RAG.
    expect(sparse("2011-01", "OK1", "CP_COUNT"), value=2, target=1, tolerance_pct=0, rag=None)


def test_county_has_no_denominator_when_a_district_lacks_population(sparse):
    # Counts sum: NP 1 + OK1 2 = 3.
    expect(sparse("2011-01", "ALL", "CP_COUNT"), value=3, numerator=3, data_status="ok")
    # Rates: no_denominator, even though OK1 has a population; its target still shows.
    expect(
        sparse("2011-01", "ALL", "CP_RATE"),
        value=None,
        numerator=None,
        denominator=None,
        data_status="no_denominator",
        target=10,
        tolerance_pct=0,
        rag=None,
    )
    expect_status(sparse("2011-01", "ALL", "LAC_RATE"), "no_denominator")
    # Rolling and year-to-date: the districts are insufficient_history -> incomplete.
    for code in ["REF_RATE_12M", "IA_RATE_YTD"]:
        expect_status(sparse("2011-01", "ALL", code), "incomplete")
    # Percentages: every district has D = 0 -> the county's D = 0 too.
    for code in ["IA_7WD_PCT", "CA_35WD_PCT", "AGENCY_FTE_PCT", "PERM_FILLED_PCT"]:
        expect(
            sparse("2011-01", "ALL", code),
            value=None,
            numerator=0,
            denominator=0,
            data_status="zero_denominator",
        )
    expect(sparse("2011-01", "ALL", "REF_COUNT"), value=0, numerator=0, data_status="ok")


def test_records_survive_a_month_without_submissions(sparse):
    # OK1's plans from January are still open at the end of March (absence never deletes).
    expect(
        sparse("2011-03", "OK1", "CP_COUNT"),
        value=2,
        numerator=2,
        data_status="ok",
        previous_value=None,  # February was not submitted
    )
    expect(
        sparse("2011-03", "OK1", "CP_RATE"),
        value=20.0,
        previous_value=None,
        direction=None,
        district_rank=1,
    )
    assert sparse("2011-02", "OK1", "CP_RATE")["previous_value"] == 20.0
    # March's rolling and year-to-date windows reach back before January.
    for code in ["REF_RATE_12M", "IA_RATE_YTD"]:
        expect_status(sparse("2011-03", "OK1", code), "insufficient_history")
    expect(sparse("2011-03", "OK1", "REF_COUNT"), value=0, data_status="ok")
