"""Workforce indicators and marts.fct_workforce_monthly, worked out by hand.

WF, March 2011 (worker, team, type, case-holding, employment, FTE):
  W1 FW1 fieldwork     yes permanent 1.0     W5 LA1 looked_after yes agency    1.0
  W2 FW1 fieldwork     yes agency    0.5     W6 FW2 fieldwork    yes permanent 0.2
  W3 FW1 fieldwork     no  permanent 1.0     W7 LA1 looked_after no  agency    0.6
  W4 LA1 looked_after  yes permanent 0.8
  establishment: FW1 2.0, FW2 1.0, LA1 2.5, EMPTY (no workers) 0.5 -> 6.0
  allocations: W1 x3, W2, W3, W4, W6, W99 (no such worker), one unallocated
  case-holding FTE = 1.0 + 0.5 + 0.8 + 1.0 + 0.2 = 3.5; agency of it = 0.5 + 1.0 = 1.5;
  permanent of it = 1.0 + 0.8 + 0.2 = 2.0; case-holding fieldwork workers W1, W2, W6.
WF, April 2011 on: team FW1 (fieldwork, establishment 10.0), case-holding permanent
  workers only: April 8 x 1.0; May 7 x 1.0 + 0.2; June 7 x 1.0 + 0.1; then 9 x 1.0.
WFX (team T1, fieldwork): March X1 permanent 1.0, establishment header-only; April no
  establishment file; May no workforce file (establishment 1.0); June workforce header-only
  (establishment 1.0, one case allocated to X1); July X1 0.29; August X1 0.1 + X2 0.19;
  September a workforce file without the fte column (rejected whole); then X1 1.0.
Every other district sends header-only workforce and establishment (D = 0).
Targets: AGENCY_FTE_PCT 2010-11 blank 40 tol 10; PERM_FILLED_PCT 2011-12 WF 80 tol 10,
WFX 29 tol 0.
"""

from __future__ import annotations

import pytest

from tests.conftest import query
from tests.warehouse.checks import approx, expect, expect_status

WORKFORCE_CODES = [
    "AGENCY_HEADCOUNT",
    "AGENCY_FTE_PCT",
    "ESTAB_VARIANCE_PCT",
    "PERM_FILLED_PCT",
    "AVG_CASELOAD",
]


def test_workforce_indicators_in_a_mixed_month(scenario):
    # W2 and W5: case-holding agency (W7 is agency but not case-holding). Six districts
    # at 0 and WFX 0 share rank 1.
    expect(
        scenario("2011-03", "WF", "AGENCY_HEADCOUNT"),
        value=2,
        numerator=2,
        denominator=None,
        data_status="ok",
        district_rank=8,
    )
    # 1.5 / 3.5 * 100 = 42.857142857142854; 40 < value <= 40 * 1.1 = 44 -> amber.
    expect(
        scenario("2011-03", "WF", "AGENCY_FTE_PCT"),
        value=1.5 / 3.5 * 100,
        numerator=1.5,
        denominator=3.5,
        data_status="ok",
        target=40,
        tolerance_pct=10,
        rag="amber",
        district_rank=2,  # WFX 0 / 1 = 0.0 is first; the others have D = 0
    )
    # (3.5 - 6.0) / 6.0 * 100 = -41.666666666666664; neutral.
    expect(
        scenario("2011-03", "WF", "ESTAB_VARIANCE_PCT"),
        value=-2.5 / 6.0 * 100,
        numerator=-2.5,
        denominator=6.0,
        data_status="ok",
        rag=None,
        district_rank=None,
    )
    # 2.0 / 6.0 * 100 = 33.333333333333336; no PERM_FILLED_PCT target in 2010-11.
    expect(
        scenario("2011-03", "WF", "PERM_FILLED_PCT"),
        value=2.0 / 6.0 * 100,
        numerator=2.0,
        denominator=6.0,
        data_status="ok",
        target=None,
        rag=None,
        district_rank=1,  # WFX has D = 0
    )
    # Cases of W1 (3), W2 (1), W6 (1) = 5, not W3 (not case-holding), W4 (looked_after
    # team), W99 (unknown) or the unallocated one; 5 / 3 = 1.6666666666666667.
    expect(
        scenario("2011-03", "WF", "AVG_CASELOAD"),
        value=5 / 3,
        numerator=5,
        denominator=3,
        data_status="ok",
        district_rank=2,  # WFX 0 / 1 = 0.0 is first
    )


# month: (PERM_FILLED_PCT, permanent FTE, rag, previous, direction); establishment 10.0,
# target 80, amber down to 80 * (1 - 10/100) = 72.
PERM_WF = {
    "2011-04": (80.0, 8.0, "green", 2.0 / 6.0 * 100, "improving"),  # exactly on target
    "2011-05": (72.0, 7.2, "amber", 80.0, "worsening"),  # exactly on the amber edge
    "2011-06": (71.0, 7.1, "red", 72.0, "worsening"),
    "2011-07": (90.0, 9.0, "green", 71.0, "improving"),
    "2011-08": (90.0, 9.0, "green", 90.0, "unchanged"),
}


@pytest.mark.parametrize(("month", "figures"), PERM_WF.items())
def test_permanent_filled_rag_on_target_and_on_the_amber_edge(scenario, month, figures):
    value, permanent_fte, rag, previous, direction = figures
    expect(
        scenario(month, "WF", "PERM_FILLED_PCT"),
        value=value,
        numerator=permanent_fte,
        denominator=10.0,
        data_status="ok",
        target=80,
        tolerance_pct=10,
        rag=rag,
        previous_value=previous,
        direction=direction,
    )


def test_single_team_months(scenario):
    # April 2011: (8.0 - 10.0) / 10.0 * 100 = -20.0; July: (9 - 10) / 10 * 100 = -10.0.
    expect(
        scenario("2011-04", "WF", "ESTAB_VARIANCE_PCT"),
        value=-20.0,
        numerator=-2.0,
        denominator=10.0,
    )
    expect(scenario("2011-07", "WF", "ESTAB_VARIANCE_PCT"), value=-10.0, numerator=-1.0)
    # No agency: 0 / 8 = 0.0; no allocations: 0 cases / 8 workers = 0.0.
    expect(scenario("2011-04", "WF", "AGENCY_FTE_PCT"), value=0.0, numerator=0, denominator=8)
    expect(scenario("2011-04", "WF", "AVG_CASELOAD"), value=0.0, numerator=0, denominator=8)
    expect(scenario("2011-04", "WF", "AGENCY_HEADCOUNT"), value=0, numerator=0)


def test_zero_establishment_is_zero_denominator_with_its_numerator(scenario):
    # WFX March 2011: establishment header-only (sum 0); X1 permanent 1.0.
    expect(
        scenario("2011-03", "WFX", "ESTAB_VARIANCE_PCT"),
        value=None,
        numerator=1.0,  # 1.0 - 0
        denominator=0,
        data_status="zero_denominator",
    )
    expect(
        scenario("2011-03", "WFX", "PERM_FILLED_PCT"),
        value=None,
        numerator=1.0,
        denominator=0,
        data_status="zero_denominator",
        rag=None,
        district_rank=None,
    )
    expect(scenario("2011-03", "WFX", "AGENCY_FTE_PCT"), value=0.0, numerator=0, denominator=1)
    expect(scenario("2011-03", "WFX", "AVG_CASELOAD"), value=0.0, numerator=0, denominator=1)
    # Districts with header-only workforce files: D = 0 for every share.
    expect(
        scenario("2011-03", "REF", "AGENCY_FTE_PCT"),
        numerator=0,
        denominator=0,
        data_status="zero_denominator",
    )
    expect(scenario("2011-03", "REF", "AGENCY_HEADCOUNT"), value=0, data_status="ok")


def test_missing_snapshot_files_are_not_submitted(scenario):
    # April 2011: no establishment file -> only the indicators needing it.
    for code in ["ESTAB_VARIANCE_PCT", "PERM_FILLED_PCT"]:
        expect_status(scenario("2011-04", "WFX", code), "not_submitted")
        expect_status(scenario("2011-04", "ALL", code), "incomplete")
    expect(scenario("2011-04", "WFX", "AGENCY_FTE_PCT"), value=0.0, data_status="ok")
    # May 2011: no workforce file; September: workforce rejected whole (no fte column).
    for month in ["2011-05", "2011-09"]:
        for code in WORKFORCE_CODES:
            expect_status(scenario(month, "WFX", code), "not_submitted")
            expect_status(scenario(month, "ALL", code), "incomplete")
    expect(scenario("2011-05", "WFX", "UNALLOC_COUNT"), value=0, data_status="ok")


def test_header_only_workforce(scenario):
    # WFX June 2011: no workers; establishment 1.0; one case allocated to X1, who is not in
    # June's workforce.
    expect(scenario("2011-06", "WFX", "AGENCY_HEADCOUNT"), value=0, data_status="ok")
    expect(
        scenario("2011-06", "WFX", "AGENCY_FTE_PCT"),
        numerator=0,
        denominator=0,
        data_status="zero_denominator",
    )
    expect(
        scenario("2011-06", "WFX", "ESTAB_VARIANCE_PCT"),
        value=-100.0,  # (0 - 1.0) / 1.0 * 100
        numerator=-1.0,
        denominator=1.0,
    )
    expect(scenario("2011-06", "WFX", "PERM_FILLED_PCT"), value=0.0, numerator=0, denominator=1)
    expect(
        scenario("2011-06", "WFX", "AVG_CASELOAD"),
        value=None,
        numerator=0,
        denominator=0,
        data_status="zero_denominator",
    )


def test_rag_and_direction_compare_at_six_decimal_places(scenario):
    # July 2011: 0.29 / 1.0 * 100 is 28.999999999999996 in floating point; rounded to 6
    # places it is the target 29 -> green; June was 0.0 -> improving.
    expect(
        scenario("2011-07", "WFX", "PERM_FILLED_PCT"),
        value=29.0,
        numerator=0.29,
        denominator=1.0,
        target=29,
        tolerance_pct=0,
        rag="green",
        previous_value=0.0,
        direction="improving",
    )
    # August 2011: (0.1 + 0.19) / 1.0 * 100, 29.000000000000004 in floating point:
    # unchanged at 6 places.
    expect(
        scenario("2011-08", "WFX", "PERM_FILLED_PCT"),
        value=29.0,
        numerator=0.29,
        rag="green",
        previous_value=29.0,
        direction="unchanged",
    )


def test_county_workforce_sums_numerators_and_denominators(scenario):
    # March 2011: WF and WFX; the others add 0 / 0.
    expect(scenario("2011-03", "ALL", "AGENCY_HEADCOUNT"), value=2, numerator=2)
    # (1.5 + 0) / (3.5 + 1.0) * 100 = 33.333333333333336 <= 40 -> green.
    expect(
        scenario("2011-03", "ALL", "AGENCY_FTE_PCT"),
        value=1.5 / 4.5 * 100,
        numerator=1.5,
        denominator=4.5,
        data_status="ok",
        target=40,
        rag="green",
        district_rank=None,
    )
    # WFX's zero_denominator rows still add their numerators: (-2.5 + 1.0) / (6.0 + 0).
    expect(
        scenario("2011-03", "ALL", "ESTAB_VARIANCE_PCT"),
        value=-25.0,
        numerator=-1.5,
        denominator=6.0,
    )
    expect(
        scenario("2011-03", "ALL", "PERM_FILLED_PCT"),
        value=50.0,  # (2.0 + 1.0) / 6.0 * 100
        numerator=3.0,
        denominator=6.0,
    )
    expect(
        scenario("2011-03", "ALL", "AVG_CASELOAD"),
        value=1.25,  # (5 + 0) / (3 + 1), never the mean of 1.667 and 0.0
        numerator=5,
        denominator=4,
    )
    # June 2011: WF 7 x 1.0 + 0.1 against 10.0; WFX no workers against 1.0.
    # ESTAB: ((7.1 - 10.0) + (0 - 1.0)) / 11.0 * 100 = -35.45454545454545
    expect(
        scenario("2011-06", "ALL", "ESTAB_VARIANCE_PCT"),
        value=-3.9 / 11 * 100,
        numerator=-3.9,
        denominator=11.0,
    )
    # PERM: (7.1 + 0) / 11.0 * 100 = 64.54545454545455; AVG: 0 cases / (8 + 0) workers.
    expect(scenario("2011-06", "ALL", "PERM_FILLED_PCT"), value=7.1 / 11 * 100)
    expect(scenario("2011-06", "ALL", "AVG_CASELOAD"), value=0.0, numerator=0, denominator=8)
    expect(scenario("2011-06", "ALL", "AGENCY_FTE_PCT"), value=0.0, denominator=7.1)


COLUMNS = (
    "team_code, team_type, case_holding_headcount, case_holding_fte, agency_headcount, "
    "agency_fte, permanent_fte, establishment_fte, allocated_cases"
)


def teams(scenario_db, month: str, district: str) -> list[tuple]:
    rows = query(
        scenario_db,
        f"SELECT {COLUMNS} FROM marts.fct_workforce_monthly "
        "WHERE strftime(month_start, '%Y-%m') = ? AND district_code = ? ORDER BY team_code",
        [month, district],
    )
    return rows


def approx_rows(rows: list[tuple]) -> list[tuple]:
    return [tuple(approx(x) for x in row) for row in rows]


def test_workforce_by_team(scenario_db):
    # Case-holding workers only in the headcounts and FTE; allocated_cases counts the rows
    # allocated to any worker of the team (FW1: W1 x3, W2, W3 = 5); a team only in the
    # establishment has zeros; W99's and the unallocated case belong to no team.
    assert teams(scenario_db, "2011-03", "WF") == approx_rows(
        [
            ("EMPTY", "other", 0, 0.0, 0, 0.0, 0.0, 0.5, 0),
            ("FW1", "fieldwork", 2, 1.5, 1, 0.5, 1.0, 2.0, 5),
            ("FW2", "fieldwork", 1, 0.2, 0, 0.0, 0.2, 1.0, 1),
            ("LA1", "looked_after", 2, 1.8, 1, 1.0, 0.8, 2.5, 1),
        ]
    )
    assert teams(scenario_db, "2011-04", "WF") == approx_rows(
        [
            ("FW1", "fieldwork", 8, 8.0, 0, 0.0, 8.0, 10.0, 0),
        ]
    )
    # WFX: March has workers and no establishment rows; May has no workforce file.
    assert teams(scenario_db, "2011-03", "WFX") == approx_rows(
        [
            ("T1", "fieldwork", 1, 1.0, 0, 0.0, 1.0, 0.0, 0),
        ]
    )
    assert teams(scenario_db, "2011-05", "WFX") == approx_rows(
        [
            ("T1", "fieldwork", 0, 0.0, 0, 0.0, 0.0, 1.0, 0),
        ]
    )
    # Header-only workforce and establishment: no team.
    assert teams(scenario_db, "2011-03", "REF") == []


def test_rag_edges_with_floating_point_noise(scenario):
    # WF, October 2011: agency 0.55 of 9 x 1.0 + 0.55 + 0.45 = 10.0 case-holding FTE:
    # 0.55 / 10 * 100 = 5.5 (5.500000000000001 in floating point); WF's 2011-12 target 5,
    # tol 10: the amber edge 5 * 1.1 = 5.5 -> amber.
    expect(
        scenario("2011-10", "WF", "AGENCY_FTE_PCT"),
        value=5.5,
        numerator=0.55,
        denominator=10.0,
        target=5,
        tolerance_pct=10,
        rag="amber",
    )
    # WFX, April 2012: 0.36 / 10.0 * 100 = 3.6 (3.5999999999999996); 2012-13 target 4,
    # tol 10: the amber edge 4 * 0.9 = 3.6 -> amber; down from March's 1.0 / 1.0 = 100.0.
    expect(
        scenario("2012-04", "WFX", "PERM_FILLED_PCT"),
        value=3.6,
        numerator=0.36,
        denominator=10.0,
        target=4,
        tolerance_pct=10,
        rag="amber",
        previous_value=100.0,
        direction="worsening",
    )


def test_rank_ties_at_six_decimal_places(scenario):
    # July 2011 (higher is better): WF 9 / 10 = 90.0 first; WFX 0.29 / 1.0 * 100 and CA
    # (0.1 + 0.19) / 1.0 * 100 are both 29 at 6 places (28.999999999999996 and
    # 29.000000000000004 in floating point) -> both 2nd.
    assert scenario("2011-07", "WF", "PERM_FILLED_PCT")["district_rank"] == 1
    assert scenario("2011-07", "WFX", "PERM_FILLED_PCT")["district_rank"] == 2
    expect(
        scenario("2011-07", "CA", "PERM_FILLED_PCT"),
        value=29.0,
        numerator=0.29,
        denominator=1.0,
        target=None,  # no target for CA
        rag=None,
        district_rank=2,
    )


def test_caseload_counts_only_the_districts_own_workers_by_exact_id(scenario):
    # WF, October 2011: 11 case-holding fieldwork workers (P0..P8, AG1, PX); of the cases
    # allocated to P0, p0 and X1 only P0's counts -> 1 / 11.
    expect(
        scenario("2011-10", "WF", "AVG_CASELOAD"),
        value=1 / 11,
        numerator=1,
        denominator=11,
        data_status="ok",
    )
    expect(scenario("2011-10", "WF", "AGENCY_HEADCOUNT"), value=1, numerator=1)  # AG1
    # WFX's X1, in the same month, has no case of its own: 0 / 1.
    expect(scenario("2011-10", "WFX", "AVG_CASELOAD"), value=0.0, numerator=0, denominator=1)
