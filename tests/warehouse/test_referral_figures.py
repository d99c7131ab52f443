"""REF_COUNT and REF_RATE_12M on the scenario landing, worked out by hand (landings.py).

REF's referrals, latest version of each, by month of referral_date:
  Feb 2011 R1 (before the data begins)          Sep 2011 R7 (moved from July by a correction)
  Mar 2011 R2 (R3 moved to April in 2012-03)    Oct 2011 -
  Apr 2011 R3, R4                               Nov 2011 R10
  May 2011 R5                                   Dec 2011 R11, R12
  Jun 2011 R6, R8 (R8 arrived in August)        Jan 2012 R13
  Jul 2011 -                                    Feb 2012 R14 (29 February)
  Aug 2011 R9                                   Mar 2012 R15, R16;  Apr 2012 R17
GAP: March 2011's referrals file is zero bytes (rejected whole), April's is header-only;
G1 on 2011-05-03, its own R4 on 2011-07-10 (not REF's R4), G2 on 2012-03-15. Every other
district sends header-only referrals.
"""

from __future__ import annotations

import pytest

from tests.warehouse.checks import expect, expect_status

REF_COUNTS = {
    "2011-03": 1,  # R2 (R1 is February's; R3's corrected date is 1 April)
    "2011-04": 2,  # R3 (corrected from 31 March), R4
    "2011-05": 1,  # R5 (its two identical rows are one record)
    "2011-06": 2,  # R6, and R8 which came in August's submission
    "2011-07": 0,  # R7 was corrected to September
    "2011-08": 1,  # R9 (re-sent in September as 1/8/2011: day first)
    "2011-09": 1,  # R7
    "2011-10": 0,
    "2011-11": 1,  # R10 (November's two conflicting R5 rows are rejected: R5 stays in May)
    "2011-12": 2,  # R11, R12
    "2012-01": 1,  # R13
    "2012-02": 1,  # R14
    "2012-03": 2,  # R15, R16
    "2012-04": 1,  # R17
}


@pytest.mark.parametrize(("month", "count"), REF_COUNTS.items())
def test_referrals_count_in_the_month_of_their_latest_referral_date(scenario, month, count):
    expect(
        scenario(month, "REF", "REF_COUNT"),
        value=count,
        numerator=count,
        denominator=None,  # a count has no denominator
        data_status="ok",
        rag=None,  # neutral: no RAG, direction or rank
        direction=None,
        district_rank=None,
        target=None,
    )


def test_referral_count_previous_value_is_the_previous_calendar_month(scenario):
    assert scenario("2011-03", "REF", "REF_COUNT")["previous_value"] is None  # first month
    assert scenario("2011-04", "REF", "REF_COUNT")["previous_value"] == 1  # March's count
    assert scenario("2011-07", "REF", "REF_COUNT")["previous_value"] == 2  # June's, restated


def test_a_file_rejected_whole_is_not_submitted_and_a_header_only_file_counts_zero(scenario):
    expect_status(scenario("2011-03", "GAP", "REF_COUNT"), "not_submitted")  # zero bytes
    expect(scenario("2011-04", "GAP", "REF_COUNT"), value=0, numerator=0, data_status="ok")
    expect(scenario("2011-05", "GAP", "REF_COUNT"), value=1, numerator=1, data_status="ok")
    # June: a file whose every row was rejected is still submitted, with zero records.
    expect(scenario("2011-06", "GAP", "REF_COUNT"), value=0, numerator=0, data_status="ok")
    # GAP's R4 (July) and REF's R4 (April) are two records: keyed by (district, id).
    expect(scenario("2011-07", "GAP", "REF_COUNT"), value=1, numerator=1)
    # Its previous value is March's, which has none.
    assert scenario("2011-04", "GAP", "REF_COUNT")["previous_value"] is None


@pytest.mark.parametrize("month", list(REF_COUNTS)[:11])  # March 2011 to January 2012
def test_rolling_12_months_reaching_before_the_data_is_insufficient_history(scenario, month):
    # January 2012's window is February 2011 to January 2012: February 2011 has no
    # submission (the data begins in March 2011).
    expect_status(scenario(month, "REF", "REF_RATE_12M"), "insufficient_history")
    expect_status(scenario(month, "ALL", "REF_RATE_12M"), "incomplete")


def test_rolling_12_months_rate_uses_the_months_population(scenario):
    # February 2012: March 2011 .. February 2012 = 1+2+1+2+0+1+1+0+1+2+1+1 = 13 referrals
    # (R1 of February 2011 is outside); population of 2012 = 2,500.
    # 13 / 2,500 * 10,000 = 52.0; target 2011-12 blank row 50, tol 10: 52 <= 55 -> amber.
    expect(
        scenario("2012-02", "REF", "REF_RATE_12M"),
        value=52.0,
        numerator=13,
        denominator=2500,
        data_status="ok",
        target=50,
        tolerance_pct=10,
        rag="amber",
        previous_value=None,  # January's window was insufficient
        direction=None,
        district_rank=7,  # six districts at 0.0 share rank 1; GAP has no value
    )
    # March 2012: April 2011 .. March 2012 = 13 - 1 (March 2011) + 2 (March 2012) = 14
    # (R3, corrected to 1 April 2011, is inside). 14 / 2,500 * 10,000 = 56.0 > 55 -> red.
    expect(
        scenario("2012-03", "REF", "REF_RATE_12M"),
        value=56.0,
        numerator=14,
        denominator=2500,
        data_status="ok",
        target=50,
        tolerance_pct=10,
        rag="red",
        previous_value=52.0,
        direction="worsening",  # lower is better: 52 -> 56
        district_rank=8,  # six at 0.0 (rank 1), GAP 7.5 (rank 7), REF 56.0
    )
    # April 2012: May 2011 .. April 2012 = 14 - 2 (April 2011) + 1 (R17) = 13 -> 52.0;
    # target 2012-13 is REF's own row, 52 tol 0: exactly on target -> green.
    expect(
        scenario("2012-04", "REF", "REF_RATE_12M"),
        value=52.0,
        numerator=13,
        denominator=2500,
        data_status="ok",
        target=52,
        tolerance_pct=0,
        rag="green",
        previous_value=56.0,
        direction="improving",
        district_rank=8,
    )


def test_a_month_not_submitted_makes_every_window_holding_it_insufficient(scenario):
    # GAP's March 2011 referrals were rejected whole: February 2012's window holds it.
    expect_status(scenario("2012-02", "GAP", "REF_RATE_12M"), "insufficient_history")
    # March 2012 (April 2011 .. March 2012): G1 + R4 + G2 = 3; population: GAP has only
    # 2012, 4,000. 3 / 4,000 * 10,000 = 7.5; blank target 50 tol 10 -> green.
    expect(
        scenario("2012-03", "GAP", "REF_RATE_12M"),
        value=7.5,
        numerator=3,
        denominator=4000,
        data_status="ok",
        target=50,
        rag="green",
        previous_value=None,
        direction=None,
        district_rank=7,
    )
    # April 2012 (May 2011 .. April 2012): G1 (3 May 2011) + R4 + G2 = 3 -> 7.5, unchanged.
    # 2012-13 has only REF's own target row: none for GAP.
    expect(
        scenario("2012-04", "GAP", "REF_RATE_12M"),
        value=7.5,
        numerator=3,
        denominator=4000,
        target=None,
        tolerance_pct=None,
        rag=None,
        previous_value=7.5,
        direction="unchanged",
        district_rank=7,
    )


def test_districts_with_no_referrals_rate_zero(scenario):
    # IA: header-only referrals every month; population 1,000 -> 0 / 1,000 * 10,000 = 0.0.
    expect(
        scenario("2012-02", "IA", "REF_RATE_12M"),
        value=0.0,
        numerator=0,
        denominator=1000,
        data_status="ok",
        rag="green",  # 0 <= 50
        district_rank=1,
    )


def test_county_referrals_sum_the_districts(scenario):
    # March 2011: GAP's referrals were not submitted -> the county is incomplete.
    expect_status(scenario("2011-03", "ALL", "REF_COUNT"), "incomplete")
    # April 2011: REF 2 + GAP 0 + six districts 0 = 2.
    expect(scenario("2011-04", "ALL", "REF_COUNT"), value=2, numerator=2, denominator=None)
    expect(scenario("2011-06", "ALL", "REF_COUNT"), value=2, numerator=2, data_status="ok")
    expect(scenario("2011-07", "ALL", "REF_COUNT"), value=1, numerator=1)  # GAP's R4
    expect(scenario("2012-03", "ALL", "REF_COUNT"), value=3, numerator=3)  # REF 2 + GAP 1 (G2)


def test_county_rolling_rate_sums_numerators_and_populations(scenario):
    # February 2012: GAP is insufficient_history -> incomplete.
    expect_status(scenario("2012-02", "ALL", "REF_RATE_12M"), "incomplete")
    # March 2012: N = REF 14 + GAP 3 = 17; D = 2,500 + 4,000 + 5 x 1,000 + 800 = 12,300.
    # 17 / 12,300 * 10,000 = 13.821138211382113; the ALL row (20, blank tol) -> green.
    expect(
        scenario("2012-03", "ALL", "REF_RATE_12M"),
        value=17 / 12300 * 10000,
        numerator=17,
        denominator=12300,
        data_status="ok",
        target=20,
        tolerance_pct=0,
        rag="green",
        previous_value=None,
        direction=None,
        district_rank=None,  # never a rank for the county
    )
    # April 2012: N = 13 + 3 = 16 -> 16 / 12,300 * 10,000 = 13.008130081300813; no target.
    expect(
        scenario("2012-04", "ALL", "REF_RATE_12M"),
        value=16 / 12300 * 10000,
        numerator=16,
        denominator=12300,
        target=None,
        rag=None,
        previous_value=17 / 12300 * 10000,
        direction="improving",
        district_rank=None,
    )


@pytest.mark.parametrize(
    ("month", "district", "population"),
    [
        ("2011-03", "REF", 2000),  # 2011: latest year <= 2011 is 2010
        ("2011-12", "REF", 2000),
        ("2012-01", "REF", 2500),  # 2012: the 2012 row (2013's is later than the month)
        ("2012-04", "REF", 2500),
        ("2011-03", "GAP", 4000),  # 2011: no year <= 2011 -> the earliest year, 2012
        ("2012-01", "GAP", 4000),
        ("2011-03", "CP", 500),
        ("2012-01", "CP", 800),
        ("2011-12", "ALL", 11500),  # 2,000 + 4,000 + 5 x 1,000 + 500
        ("2012-01", "ALL", 12300),  # 2,500 + 4,000 + 5 x 1,000 + 800
    ],
)
def test_rates_use_the_population_of_the_months_calendar_year(
    scenario, month, district, population
):
    # LAC_RATE's denominator is the population (REF and GAP have no looked-after children).
    row = scenario(month, district, "LAC_RATE")
    assert row["denominator"] == population
    assert row["data_status"] == "ok"
