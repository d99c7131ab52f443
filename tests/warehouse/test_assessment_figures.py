"""Initial and core assessment indicators on the scenario landing, worked out by hand.

Working days: wd(a, b) counts the days d with a < d <= b, Monday to Friday, except England's
bank holidays: 22 (Good Friday), 25 (Easter Monday), 29 April 2011 (the royal wedding),
2 May, 30 May, 29 August, 26 and 27 December 2011 (Christmas on a Sunday) and
2 January 2012.

Initial assessments of IA (referral, start, completed; "-" = blank), latest versions:
  I0  2011-03-01  2011-03-02  2011-03-10   wd = 2,3,4,7,8,9,10 March = 7
  I1  2011-04-20  2011-04-21  2011-05-05   wd = 21,26,27,28 April, 3,4,5 May = 7
  I2  2011-04-20  2011-04-21  2011-05-06   wd = 8
  I3  2011-04-18  2011-04-18  2011-05-03   wd = 19,20,21,26,27,28 April, 3 May = 7
  I4  2011-04-11  2011-04-12  2011-05-20   wd = 25
  (I1-I4 were open in April's submission, completed in May's)
  I11 2011-08-01  2011-08-01  2011-08-10   wd = 2,3,4,5,8,9,10 August = 7
  I12 2011-08-01  2011-08-02  2011-08-31   wd = 21
  I5  2011-12-20  2011-12-20  2012-01-03   wd = 21,22,23,28,29,30 Dec, 3 Jan = 7
  I6  2011-12-20  2011-12-21  2012-01-04   wd = 8
  I7  2011-12-19  2011-12-19  2012-01-05   wd = 10
  I8  2011-12-16  2011-12-16  2012-01-10   wd = 14
  I10 2011-12-05  2011-12-06  2011-12-30   wd = 17 (open in December's submission,
                                           completed in January's with a December date)
  I9  2011-12-01  2012-01-05  2012-02-01   (first in January's submission, open)
  I13 2012-04-02  2012-04-02  2012-04-10   wd = 3,4,5,10 April 2012 = 4
GAP: GI1 completed 2011-05-10 (6 wd); GI2-GI5 completed in August 2011, two within 7
(7 and 1 wd) and two not (8 and 21); GI6 completed 2012-04-20 (12 wd); no initial
assessments file in June 2011. CA: CI1 completed 2011-08-03 (2 wd).
"""

from __future__ import annotations

import pytest

from tests.warehouse.checks import expect, expect_status

IA_COMPLETED = {
    "2011-03": 1,  # I0
    "2011-04": 0,
    "2011-05": 4,  # I1, I2, I3, I4
    "2011-06": 0,
    "2011-08": 2,  # I11, I12
    "2011-11": 0,
    "2011-12": 1,  # I10, restated by January's submission
    "2012-01": 4,  # I5, I6, I7, I8
    "2012-02": 1,  # I9
    "2012-04": 1,  # I13
}


@pytest.mark.parametrize(("month", "count"), IA_COMPLETED.items())
def test_initial_assessments_completed_count_in_their_completion_month(scenario, month, count):
    expect(
        scenario(month, "IA", "IA_COMPLETED"),
        value=count,
        numerator=count,
        denominator=None,
        data_status="ok",
        rag=None,
        direction=None,
        district_rank=None,
    )


def test_within_7_working_days_counts_bank_holidays_out(scenario):
    # March 2011: I0, 7 wd -> 1 / 1 * 100 = 100.0; no target for 2010-11; first month.
    expect(
        scenario("2011-03", "IA", "IA_7WD_PCT"),
        value=100.0,
        numerator=1,
        denominator=1,
        data_status="ok",
        target=None,
        rag=None,
        previous_value=None,
        direction=None,
    )
    # May 2011, across Easter and the royal wedding: I1 (7) and I3 (7) within, I2 (8) and
    # I4 (25) not -> 2 / 4 * 100 = 50.0. Target 50 tol 20 (higher is better): on target
    # -> green. April had no completion (zero_denominator), so no previous value.
    expect(
        scenario("2011-05", "IA", "IA_7WD_PCT"),
        value=50.0,
        numerator=2,
        denominator=4,
        data_status="ok",
        target=50,
        tolerance_pct=20,
        rag="green",
        previous_value=None,
        direction=None,
        district_rank=2,  # GAP 1 / 1 = 100.0 is first; CA completed none
    )
    # January 2012, across Christmas: I5 (7) within; I6 (8), I7 (10), I8 (14) not
    # -> 1 / 4 * 100 = 25.0 < 50 * (1 - 20/100) = 40 -> red; up from December's 0.0.
    expect(
        scenario("2012-01", "IA", "IA_7WD_PCT"),
        value=25.0,
        numerator=1,
        denominator=4,
        rag="red",
        previous_value=0.0,
        direction="improving",
    )
    # December 2011: I10 (17 wd) -> 0 / 1 = 0.0, red. February 2012: I9 -> 0 / 1 = 0.0.
    expect(scenario("2011-12", "IA", "IA_7WD_PCT"), value=0.0, numerator=0, denominator=1)
    expect(
        scenario("2012-02", "IA", "IA_7WD_PCT"),
        value=0.0,
        rag="red",
        previous_value=25.0,
        direction="worsening",
    )
    # April 2012: I13, 4 wd across Good Friday and Easter Monday -> 100.0; no 2012-13
    # target; March 2012 had no completion.
    expect(
        scenario("2012-04", "IA", "IA_7WD_PCT"),
        value=100.0,
        numerator=1,
        denominator=1,
        target=None,
        rag=None,
        previous_value=None,
        direction=None,
    )


def test_no_completion_in_the_month_is_zero_denominator(scenario):
    # April 2011: nothing completed -> N = 0, D = 0, no value; previous (March) = 100.0.
    expect(
        scenario("2011-04", "IA", "IA_7WD_PCT"),
        value=None,
        numerator=0,
        denominator=0,
        data_status="zero_denominator",
        rag=None,
        previous_value=100.0,
        direction=None,
        district_rank=None,
    )


def test_district_rank_shares_places_for_equal_values(scenario):
    # August 2011: CA 1 / 1 = 100.0; IA 1 / 2 = 50.0 (I11 7 wd, I12 21); GAP 2 / 4 = 50.0.
    # Higher is better: CA 1, IA and GAP share 2; the others have no value (no rank).
    assert scenario("2011-08", "CA", "IA_7WD_PCT")["district_rank"] == 1
    expect(scenario("2011-08", "IA", "IA_7WD_PCT"), value=50.0, district_rank=2)
    expect(
        scenario("2011-08", "GAP", "IA_7WD_PCT"),
        value=50.0,
        numerator=2,
        denominator=4,
        district_rank=2,
    )
    expect(
        scenario("2011-08", "REF", "IA_7WD_PCT"),
        data_status="zero_denominator",
        value=None,
        district_rank=None,
    )


@pytest.mark.parametrize(
    ("month", "count", "why"),
    [
        ("2011-03", 0, "I0 completed on 10 March"),
        ("2011-04", 1, "I4: wd(11 Apr, 30 Apr) = 11 > 7; I3: 6 and I1, I2: 4 are not"),
        ("2011-05", 0, "all completed by 31 May"),
        ("2011-12", 1, "I8: 8 > 7; I7: exactly 7; I5, I6: 6; I10 completed 30 Dec; I9 unstarted"),
        ("2012-01", 1, "I9: started 5 Jan, completed 1 Feb, wd(1 Dec, 31 Jan) = 40"),
        ("2012-02", 0, "I9 completed 1 Feb"),
    ],
)
def test_initial_assessments_out_of_timescale_at_month_end(scenario, month, count, why):
    expect(
        scenario(month, "IA", "IA_OOT_COUNT"),
        value=count,
        numerator=count,
        denominator=None,
        data_status="ok",
        target=None,
        rag=None,
    )


def test_out_of_timescale_direction_and_rank(scenario):
    # Lower is better. April 2011: 0 -> 1 worsening; seven districts at 0 share rank 1.
    expect(
        scenario("2011-04", "IA", "IA_OOT_COUNT"),
        previous_value=0,
        direction="worsening",
        district_rank=8,
    )
    expect(scenario("2011-05", "IA", "IA_OOT_COUNT"), direction="improving", district_rank=1)
    expect(scenario("2011-06", "IA", "IA_OOT_COUNT"), direction="unchanged", district_rank=1)
    # June 2011: GAP sent no initial assessments, so it has no value and no rank.
    expect_status(scenario("2011-06", "GAP", "IA_OOT_COUNT"), "not_submitted")


# IA, population 1,000: value = N / 1,000 * 10,000 * 12 / k, k = months since April.
IA_RATE_YTD = {
    "2011-04": (0, 1, 0.0),
    "2011-05": (4, 2, 240.0),  # 4 * 10 * 12 / 2
    "2011-06": (4, 3, 160.0),
    "2011-07": (4, 4, 120.0),
    "2011-08": (6, 5, 144.0),  # + I11, I12
    "2011-09": (6, 6, 120.0),
    "2011-10": (6, 7, 720 / 7),  # 102.857142857...
    "2011-11": (6, 8, 90.0),
    "2011-12": (7, 9, 840 / 9),  # + I10: 93.333...
    "2012-01": (11, 10, 132.0),  # + I5, I6, I7, I8
    "2012-02": (12, 11, 1440 / 11),  # + I9: 130.909...
    "2012-03": (12, 12, 120.0),
    "2012-04": (1, 1, 120.0),  # a new financial year: I13 only
}


@pytest.mark.parametrize(("month", "figures"), IA_RATE_YTD.items())
def test_year_to_date_rate_is_annualised_from_april(scenario, month, figures):
    numerator, k, value = figures
    expect(
        scenario(month, "IA", "IA_RATE_YTD"),
        value=value,
        numerator=numerator,  # I0, completed in March 2011, is in 2010-11
        denominator=1000,
        data_status="ok",
    )


def test_year_to_date_direction_compares_with_the_previous_calendar_month(scenario):
    # Lower is better: April 0.0 -> May 240.0 worsening; -> June 160.0 improving;
    # March 2012 120.0 -> April 2012 120.0 (a new year) unchanged.
    assert scenario("2011-05", "IA", "IA_RATE_YTD")["direction"] == "worsening"
    assert scenario("2011-06", "IA", "IA_RATE_YTD")["direction"] == "improving"
    expect(scenario("2012-04", "IA", "IA_RATE_YTD"), previous_value=120.0, direction="unchanged")


def test_year_to_date_needs_every_month_of_the_year(scenario):
    # March 2011 is in 2010-11, whose April 2010 .. February 2011 precede the data.
    expect_status(scenario("2011-03", "IA", "IA_RATE_YTD"), "insufficient_history")
    # GAP: April 0 / 4,000 -> 0.0; May: GI1 -> 1 / 4,000 * 10,000 * 12 / 2 = 15.0.
    expect(scenario("2011-04", "GAP", "IA_RATE_YTD"), value=0.0, numerator=0, denominator=4000)
    expect(scenario("2011-05", "GAP", "IA_RATE_YTD"), value=15.0, numerator=1, denominator=4000)
    # June: not submitted (checked first); July .. March: June is missing from the year.
    expect_status(scenario("2011-06", "GAP", "IA_RATE_YTD"), "not_submitted")
    for month in ["2011-07", "2011-08", "2011-12", "2012-03"]:
        expect_status(scenario(month, "GAP", "IA_RATE_YTD"), "insufficient_history")
    # Monthly indicators of July are not affected by June's gap: 0 completed.
    expect(scenario("2011-07", "GAP", "IA_COMPLETED"), value=0, data_status="ok")
    # April 2012 starts 2012-13: GI6 -> 1 / 4,000 * 10,000 * 12 / 1 = 30.0.
    expect(
        scenario("2012-04", "GAP", "IA_RATE_YTD"),
        value=30.0,
        numerator=1,
        denominator=4000,
        data_status="ok",
        previous_value=None,
        direction=None,
    )


def test_county_initial_assessment_figures(scenario):
    # May 2011: completed IA 4 + GAP 1 = 5; within IA 2 + GAP 1 = 3 -> 3 / 5 = 60.0,
    # (never the mean of 50.0 and 100.0); blank target 50 tol 20 -> green.
    expect(scenario("2011-05", "ALL", "IA_COMPLETED"), value=5, numerator=5, denominator=None)
    expect(
        scenario("2011-05", "ALL", "IA_7WD_PCT"),
        value=60.0,
        numerator=3,
        denominator=5,
        data_status="ok",
        target=50,
        rag="green",
        district_rank=None,
    )
    # August 2011: within 1 + 2 + 1 = 4 of 2 + 4 + 1 = 7 -> 57.142857142857146.
    expect(scenario("2011-08", "ALL", "IA_7WD_PCT"), value=4 / 7 * 100, numerator=4, denominator=7)
    # April 2011: no district completed any -> the county's own D = 0.
    expect(
        scenario("2011-04", "ALL", "IA_7WD_PCT"),
        value=None,
        numerator=0,
        denominator=0,
        data_status="zero_denominator",
    )
    # June 2011: GAP did not submit.
    for code in ["IA_COMPLETED", "IA_7WD_PCT", "IA_OOT_COUNT", "IA_RATE_YTD"]:
        expect_status(scenario("2011-06", "ALL", code), "incomplete")
    # Out of timescale: IA's 1 + 0 elsewhere.
    expect(scenario("2011-04", "ALL", "IA_OOT_COUNT"), value=1, numerator=1)
    expect(scenario("2011-12", "ALL", "IA_OOT_COUNT"), value=1, numerator=1)


def test_county_year_to_date_rate(scenario):
    expect_status(scenario("2011-03", "ALL", "IA_RATE_YTD"), "incomplete")
    # April 2011: 0 / 11,500 -> 0.0.
    expect(scenario("2011-04", "ALL", "IA_RATE_YTD"), value=0.0, numerator=0, denominator=11500)
    # May 2011: (IA 4 + GAP 1) / 11,500 * 10,000 * 12 / 2 = 26.08695652173913.
    expect(
        scenario("2011-05", "ALL", "IA_RATE_YTD"),
        value=5 / 11500 * 10000 * 12 / 2,
        numerator=5,
        denominator=11500,
        data_status="ok",
    )
    # July 2011 .. March 2012: GAP is insufficient_history.
    expect_status(scenario("2011-09", "ALL", "IA_RATE_YTD"), "incomplete")
    # April 2012: (I13 + GI6) / 12,300 * 10,000 * 12 / 1 = 19.51219512195122.
    expect(
        scenario("2012-04", "ALL", "IA_RATE_YTD"),
        value=2 / 12300 * 10000 * 12,
        numerator=2,
        denominator=12300,
        data_status="ok",
        previous_value=None,  # March 2012 was incomplete
    )


# Core assessments of CA (start, completed), latest versions:
#   CA1 2011-03-16 2011-05-10   wd = 35 (Easter, royal wedding and May Day excluded)
#   CA2 2011-03-15 2011-05-10   wd = 36
#   CA6 2011-06-01 2011-07-01   wd = 22 (came in August with 2011-06-30, corrected in Sept)
#   CA3 2011-10-03 2011-12-31   wd = 62
#   CA4 2011-11-08 2012-01-12   wd(start, 31 Dec 2011) = 36
#   CA5 2011-11-09 2012-02-03   wd(start, 31 Dec 2011) = 35; wd(start, 31 Jan 2012) = 56
#   CA7 2012-01-02 -            (January's submission only) wd to 31 Jan = 21, to 29 Feb = 42


def test_core_assessments_within_35_working_days(scenario):
    # May 2011: CA1 (35) within, CA2 (36) not -> 1 / 2 * 100 = 50.0; CA's target 50 tol 0.
    expect(
        scenario("2011-05", "CA", "CA_35WD_PCT"),
        value=50.0,
        numerator=1,
        denominator=2,
        data_status="ok",
        target=50,
        tolerance_pct=0,
        rag="green",
        district_rank=1,  # the only district with a completion
    )
    # June 2011: CA6's corrected completion moved it to July -> nothing completed.
    expect(
        scenario("2011-06", "CA", "CA_35WD_PCT"),
        value=None,
        numerator=0,
        denominator=0,
        data_status="zero_denominator",
    )
    # July 2011: CA6, 22 wd -> 1 / 1 = 100.0.
    expect(
        scenario("2011-07", "CA", "CA_35WD_PCT"),
        value=100.0,
        numerator=1,
        denominator=1,
        rag="green",
        previous_value=None,
        direction=None,
    )
    # December 2011: CA3, 62 wd -> 0.0 (red); January: CA4 -> 0.0, unchanged.
    expect(
        scenario("2011-12", "CA", "CA_35WD_PCT"), value=0.0, numerator=0, denominator=1, rag="red"
    )
    expect(
        scenario("2012-01", "CA", "CA_35WD_PCT"),
        value=0.0,
        previous_value=0.0,
        direction="unchanged",
    )
    expect(scenario("2012-02", "CA", "CA_35WD_PCT"), value=0.0, numerator=0, denominator=1)


@pytest.mark.parametrize(
    ("month", "count", "why"),
    [
        ("2011-03", 0, "CA1: 11, CA2: 12"),
        ("2011-04", 0, "CA2: wd(15 Mar, 30 Apr) = 30, CA1: 29"),
        ("2011-06", 0, "CA6 open at 30 June (corrected completion 1 July), 21 wd"),
        ("2011-10", 0, "CA3: 20"),
        ("2011-11", 1, "CA3: wd(3 Oct, 30 Nov) = 42; CA4: 16"),
        ("2011-12", 1, "CA4: 36 > 35; CA5: exactly 35; CA3 completed on 31 Dec"),
        ("2012-01", 1, "CA5: 56; CA4 completed 12 Jan; CA7: 21"),
        ("2012-02", 1, "CA7: 42, never sent again, still open; CA5 completed 3 Feb"),
        ("2012-04", 1, "CA7"),
    ],
)
def test_core_assessments_out_of_timescale_at_month_end(scenario, month, count, why):
    expect(
        scenario(month, "CA", "CA_OOT_COUNT"),
        value=count,
        numerator=count,
        denominator=None,
        data_status="ok",
    )


def test_county_core_assessment_figures(scenario):
    expect(
        scenario("2011-05", "ALL", "CA_35WD_PCT"),
        value=50.0,
        numerator=1,
        denominator=2,
        data_status="ok",
        target=None,  # CA's target row is CA's only
        district_rank=None,
    )
    expect(
        scenario("2011-04", "ALL", "CA_35WD_PCT"),
        numerator=0,
        denominator=0,
        data_status="zero_denominator",
    )
    expect(scenario("2011-12", "ALL", "CA_OOT_COUNT"), value=1, numerator=1)
