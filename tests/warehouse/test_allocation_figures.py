"""UNALLOC_COUNT and UNALLOC_28D_COUNT; RAG with a tolerance, direction and rank.

ALLOC's allocations snapshots (unallocated rows: unallocated_since, days to month end):
  2011-03  A2 3 Mar (28), A3 2 Mar (29); A1 and A4 allocated (A4's unallocated_since
           "n/a" is ignored because it has a worker)
  2011-04  header only
  2011-05  A5 1 May (30), A6 3 May (28), A7 31 May (0)
  2011-06  4 rows since 1 Jun (29), one     2011-07  5 rows since 1 Jul (30)
           of them sent twice (one case)
  2011-08  6 rows since 3 Aug (28)        2011-09  no allocations file
  2011-10  5 rows since 1 Oct (30)        2011-11  5 rows since 1 Nov (29)
  2012-02  B1 1 Feb (28 in a leap year), B2 31 Jan (29); other months header only
Also: WF has one unallocated case in March 2011 (30 days) and CP six in August 2011
(since 1 Aug, 30 days); every other district-month has none.
Targets for UNALLOC_COUNT: 2010-11 blank row 10 (blank tolerance = 0); 2011-12 blank row
10 tol 0, ALLOC's own row 4 tol 25 (amber up to 4 * 1.25 = 5); none for 2012-13.
"""

from __future__ import annotations

import pytest

from tests.warehouse.checks import expect, expect_status

# month: (UNALLOC_COUNT, UNALLOC_28D_COUNT, target, tolerance, rag, previous, direction)
ALLOC = {
    "2011-03": (2, 1, 10, 0, "green", None, None),  # first month: no previous
    "2011-04": (0, 0, 4, 25, "green", 2, "improving"),
    "2011-05": (3, 1, 4, 25, "green", 0, "worsening"),
    "2011-06": (4, 4, 4, 25, "green", 3, "worsening"),  # exactly on target
    "2011-07": (5, 5, 4, 25, "amber", 4, "worsening"),  # exactly on the amber edge, 5
    "2011-08": (6, 0, 4, 25, "red", 5, "worsening"),  # 6 > 5
    "2011-10": (5, 5, 4, 25, "amber", None, None),  # September was not submitted
    "2011-11": (5, 5, 4, 25, "amber", 5, "unchanged"),
    "2011-12": (0, 0, 4, 25, "green", 5, "improving"),
    "2012-02": (2, 1, 4, 25, "green", 0, "worsening"),
    "2012-04": (0, 0, None, None, None, 0, "unchanged"),  # no target for 2012-13
}


@pytest.mark.parametrize(("month", "figures"), ALLOC.items())
def test_unallocated_cases_rag_and_direction(scenario, month, figures):
    count, over_28, target, tolerance, rag, previous, direction = figures
    expect(
        scenario(month, "ALLOC", "UNALLOC_COUNT"),
        value=count,
        numerator=count,
        denominator=None,
        data_status="ok",
        target=target,
        tolerance_pct=tolerance,
        rag=rag,
        previous_value=previous,
        direction=direction,
    )
    expect(
        scenario(month, "ALLOC", "UNALLOC_28D_COUNT"),
        value=over_28,  # month_end - unallocated_since > 28 calendar days
        numerator=over_28,
        denominator=None,
        data_status="ok",
        target=None,
        rag=None,
    )


def test_a_snapshot_describes_only_its_own_month(scenario):
    # No allocations file in September 2011: neither August's nor October's stands in.
    for code in ["UNALLOC_COUNT", "UNALLOC_28D_COUNT", "AVG_CASELOAD"]:
        expect_status(scenario("2011-09", "ALLOC", code), "not_submitted")
        expect_status(scenario("2011-09", "ALL", code), "incomplete")
    expect(scenario("2011-09", "ALLOC", "UNALLOC_COUNT"), previous_value=6, target=4)


def test_rank_counts_tied_districts_before_the_next_place(scenario):
    # March 2011 (lower is better): six districts at 0 share rank 1; WF 1 is 7th, ALLOC 2 8th.
    assert scenario("2011-03", "REF", "UNALLOC_COUNT")["district_rank"] == 1
    assert scenario("2011-03", "WF", "UNALLOC_COUNT")["district_rank"] == 7
    assert scenario("2011-03", "ALLOC", "UNALLOC_COUNT")["district_rank"] == 8
    # August 2011: six at 0 (rank 1); ALLOC 6 and CP 6 share rank 7 (SQL RANK()).
    assert scenario("2011-08", "ALLOC", "UNALLOC_COUNT")["district_rank"] == 7
    assert scenario("2011-08", "CP", "UNALLOC_COUNT")["district_rank"] == 7
    assert scenario("2011-08", "WFX", "UNALLOC_COUNT")["district_rank"] == 1
    # Over 28 days in August: ALLOC 0 (28 days is not more than 28), CP 6 -> 8th.
    assert scenario("2011-08", "ALLOC", "UNALLOC_28D_COUNT")["district_rank"] == 1
    expect(scenario("2011-08", "CP", "UNALLOC_28D_COUNT"), value=6, district_rank=8)
    # September 2011: ALLOC has no value, so seven districts at 0 share rank 1.
    assert scenario("2011-09", "ALLOC", "UNALLOC_COUNT")["district_rank"] is None
    assert scenario("2011-09", "CP", "UNALLOC_COUNT")["district_rank"] == 1


def test_county_unallocated_sums_the_districts(scenario):
    # March 2011: ALLOC 2 + WF 1 = 3; blank 2010-11 row 10, tol 0 -> green.
    expect(
        scenario("2011-03", "ALL", "UNALLOC_COUNT"),
        value=3,
        numerator=3,
        denominator=None,
        data_status="ok",
        target=10,
        tolerance_pct=0,
        rag="green",
        previous_value=None,
        direction=None,
        district_rank=None,
    )
    expect(scenario("2011-03", "ALL", "UNALLOC_28D_COUNT"), value=2, numerator=2)  # A3, K8
    # August 2011: ALLOC 6 + CP 6 = 12 > 10 (the blank row; ALLOC's row is ALLOC's own).
    expect(
        scenario("2011-08", "ALL", "UNALLOC_COUNT"),
        value=12,
        target=10,
        tolerance_pct=0,
        rag="red",
        previous_value=5,  # July: ALLOC 5
        direction="worsening",
    )
    expect(scenario("2011-08", "ALL", "UNALLOC_28D_COUNT"), value=6)  # ALLOC 0 + CP 6
    # October 2011: 5, after an incomplete September -> no direction.
    expect(scenario("2011-10", "ALL", "UNALLOC_COUNT"), value=5, previous_value=None)
