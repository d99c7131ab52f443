"""CP_COUNT, CP_RATE, LAC_COUNT and LAC_RATE on the scenario landing, worked out by hand.

CP's plans (child, start, end), latest versions:
  P1 C1 2011-01-10 2011-05-31 (end from May)    P5 C4 2010-05-01 2011-04-01 (end from April)
  P2 C1 2011-02-01 2011-04-15 (end from April)  P6 C5 2011-04-30 2011-12-25 (end from Dec)
  P3 C2 2011-04-01 -  (start was 2011-03-31     P7 SHARED 2011-05-01 -
         until June's correction)               P8 C6 2011-04-10 - (arrived in June)
  P4 C3 2011-02-01 2011-03-31
ALLOC has one plan for the same child SHARED from 2011-05-15.
Open at month end (start <= month_end and end blank or > month_end), distinct children:
  31 Mar 2011: C1 (P1, P2), C4 -> 2 (P4 ends on the month end; P3 now starts 1 April)
  30 Apr 2011: C1, C2, C5, C6 -> 4 (P5 ended 1 April, P2 15 April)
  31 May 2011: C2, C5, SHARED, C6 -> 4 (P1 ends on the month end)
  Jun-Nov 2011: 4;  Dec 2011 onwards: C2, SHARED, C6 -> 3
CP's looked-after periods: L1 K1 2011-03-01 .. 2011-04-30, L2 K1 2011-03-15 -,
L3 K2 2011-03-31 .. 2011-03-31, L4 K3 2011-04-29 -, L5 K4 2011-05-20 .. 2011-06-01 (in June)
  31 Mar: K1 -> 1;  30 Apr: K1 (L2), K3 -> 2;  31 May: K1, K3, K4 -> 3;  30 Jun: 2
CP's population: 500 in 2011, 800 in 2012.
"""

from __future__ import annotations

import pytest

from tests.warehouse.checks import expect

CP = {  # month: (CP_COUNT, CP_RATE, previous rate, direction)
    "2011-03": (2, 40.0, None, None),  # 2 / 500 * 10,000
    "2011-04": (4, 80.0, 40.0, "worsening"),  # lower is better
    "2011-05": (4, 80.0, 80.0, "unchanged"),
    "2011-11": (4, 80.0, 80.0, "unchanged"),
    "2011-12": (3, 60.0, 80.0, "improving"),
    "2012-01": (3, 37.5, 60.0, "improving"),  # 3 / 800 * 10,000
}


@pytest.mark.parametrize(("month", "figures"), CP.items())
def test_children_on_plans_at_month_end(scenario, month, figures):
    count, rate, previous, direction = figures
    population = 800 if month.startswith("2012") else 500
    expect(
        scenario(month, "CP", "CP_COUNT"),
        value=count,
        numerator=count,
        denominator=None,
        data_status="ok",
        rag=None,
        direction=None,
        district_rank=None,
    )
    expect(
        scenario(month, "CP", "CP_RATE"),
        value=rate,
        numerator=count,
        denominator=population,
        data_status="ok",
        target=None,
        rag=None,
        previous_value=previous,
        direction=direction,
    )


def test_children_count_neutral_previous_value_without_direction(scenario):
    expect(scenario("2011-04", "CP", "CP_COUNT"), previous_value=2, direction=None)


def test_a_child_with_plans_in_two_districts_counts_in_each(scenario):
    # May 2011: ALLOC's own count is SHARED alone; the county adds CP 4 + ALLOC 1 = 5.
    expect(scenario("2011-05", "ALLOC", "CP_COUNT"), value=1, numerator=1)
    expect(scenario("2011-04", "ALLOC", "CP_COUNT"), value=0, numerator=0)
    expect(scenario("2011-05", "ALL", "CP_COUNT"), value=5, numerator=5, data_status="ok")
    # 5 / 11,500 * 10,000 = 4.3478260869565215
    expect(
        scenario("2011-05", "ALL", "CP_RATE"),
        value=5 / 11500 * 10000,
        numerator=5,
        denominator=11500,
        data_status="ok",
        district_rank=None,
    )


def test_rate_rank_among_districts(scenario):
    # May 2011 (lower is better): six districts at 0.0 share rank 1;
    # ALLOC 1 / 1,000 * 10,000 = 10.0 is 7th; CP 80.0 is 8th.
    expect(scenario("2011-05", "ALLOC", "CP_RATE"), value=10.0, district_rank=7)
    assert scenario("2011-05", "CP", "CP_RATE")["district_rank"] == 8
    assert scenario("2011-05", "WF", "CP_RATE")["district_rank"] == 1


LAC = {  # month: (LAC_COUNT, LAC_RATE, target)
    "2011-03": (1, 20.0, None),  # 1 / 500 * 10,000; no LAC_COUNT target in 2010-11
    "2011-04": (2, 40.0, 2),
    "2011-05": (3, 60.0, 2),  # K4's period came in June's submission
    "2011-06": (2, 40.0, 2),  # K4's ended 1 June
}


@pytest.mark.parametrize(("month", "figures"), LAC.items())
def test_looked_after_children_at_month_end(scenario, month, figures):
    count, rate, target = figures
    # LAC_COUNT is neutral: its target (2011-12 blank row: 2, tol 10) is shown, no RAG.
    expect(
        scenario(month, "CP", "LAC_COUNT"),
        value=count,
        numerator=count,
        denominator=None,
        data_status="ok",
        target=target,
        tolerance_pct=None if target is None else 10,
        rag=None,
        direction=None,
        district_rank=None,
    )
    expect(
        scenario(month, "CP", "LAC_RATE"),
        value=rate,
        numerator=count,
        denominator=500,
        data_status="ok",
        target=None,
        rag=None,
    )


def test_looked_after_direction_and_county(scenario):
    expect(scenario("2011-05", "CP", "LAC_RATE"), previous_value=40.0, direction="worsening")
    expect(scenario("2011-06", "CP", "LAC_RATE"), previous_value=60.0, direction="improving")
    # The neutral target applies to the county too, still without RAG.
    expect(
        scenario("2011-05", "ALL", "LAC_COUNT"),
        value=3,
        numerator=3,
        target=2,
        tolerance_pct=10,
        rag=None,
        direction=None,
    )
    # 3 / 11,500 * 10,000 = 2.608695652173913
    expect(
        scenario("2011-05", "ALL", "LAC_RATE"),
        value=3 / 11500 * 10000,
        numerator=3,
        denominator=11500,
        data_status="ok",
    )
