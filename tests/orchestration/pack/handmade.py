"""A published warehouse built by hand for the committee pack: another county
("Testshire", three districts named unlike Kent's), three indicators, three months.

Figures are chosen, not computed, so the pack's tests can check it shows exactly them:

- Jan 2012: no district submitted referrals (REF_COUNT not_submitted everywhere, the
  county incomplete), so the referrals charts of January have nothing to draw.
- Feb 2012: every figure ok; the latest month complete for the county, so the default.
- Mar 2012: Eastwick sent no referrals or initial assessments (not_submitted, county
  incomplete); Eastwick has no UNALLOC_COUNT target (not rated).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

COUNTY = ("ALL", "Testshire")
DISTRICTS = [("NOR", "Northam"), ("SOU", "Southby"), ("EAS", "Eastwick")]
INDICATORS = [
    ("REF_COUNT", "Referrals received", "count", "neutral"),
    (
        "IA_7WD_PCT",
        "Initial assessments completed within 7 working days of referral",
        "percent",
        "higher_is_better",
    ),
    ("UNALLOC_COUNT", "Open cases unallocated at month end", "count", "lower_is_better"),
]
MONTHS = [("2012-01-01", "Jan 2012"), ("2012-02-01", "Feb 2012"), ("2012-03-01", "Mar 2012")]

NS = (None, "not_submitted", None, None, None, None)
INC = (None, "incomplete", None, None, None, None)
# (month, district, indicator): (value, data_status, target, rag, direction, district_rank)
SCORECARD = {
    ("2012-01-01", "NOR", "REF_COUNT"): NS,
    ("2012-01-01", "SOU", "REF_COUNT"): NS,
    ("2012-01-01", "EAS", "REF_COUNT"): NS,
    ("2012-01-01", "ALL", "REF_COUNT"): INC,
    ("2012-01-01", "NOR", "IA_7WD_PCT"): (None, "zero_denominator", 69.0, None, None, None),
    ("2012-01-01", "SOU", "IA_7WD_PCT"): (60.0, "ok", 69.0, "amber", None, 1),
    ("2012-01-01", "EAS", "IA_7WD_PCT"): (50.0, "ok", 69.0, "red", None, 2),
    ("2012-01-01", "ALL", "IA_7WD_PCT"): (55.0, "ok", 69.0, "red", None, None),
    ("2012-01-01", "NOR", "UNALLOC_COUNT"): (6.0, "ok", 5.0, "red", None, 1),
    ("2012-01-01", "SOU", "UNALLOC_COUNT"): (8.0, "ok", 5.0, "red", None, 3),
    ("2012-01-01", "EAS", "UNALLOC_COUNT"): (7.0, "ok", None, None, None, 2),
    ("2012-01-01", "ALL", "UNALLOC_COUNT"): (21.0, "ok", 15.0, "red", None, None),
    ("2012-02-01", "NOR", "REF_COUNT"): (8.0, "ok", None, None, None, None),
    ("2012-02-01", "SOU", "REF_COUNT"): (6.0, "ok", None, None, None, None),
    ("2012-02-01", "EAS", "REF_COUNT"): (5.0, "ok", None, None, None, None),
    ("2012-02-01", "ALL", "REF_COUNT"): (19.0, "ok", None, None, None, None),
    ("2012-02-01", "NOR", "IA_7WD_PCT"): (70.0, "ok", 69.0, "green", None, 2),
    ("2012-02-01", "SOU", "IA_7WD_PCT"): (50.0, "ok", 69.0, "red", "worsening", 3),
    ("2012-02-01", "EAS", "IA_7WD_PCT"): (80.0, "ok", 69.0, "green", "improving", 1),
    ("2012-02-01", "ALL", "IA_7WD_PCT"): (200 / 3, "ok", 69.0, "amber", "improving", None),
    ("2012-02-01", "NOR", "UNALLOC_COUNT"): (5.0, "ok", 5.0, "green", "improving", 1),
    ("2012-02-01", "SOU", "UNALLOC_COUNT"): (7.0, "ok", 5.0, "red", "improving", 3),
    ("2012-02-01", "EAS", "UNALLOC_COUNT"): (6.0, "ok", None, None, "improving", 2),
    ("2012-02-01", "ALL", "UNALLOC_COUNT"): (18.0, "ok", 15.0, "red", "improving", None),
    ("2012-03-01", "NOR", "REF_COUNT"): (10.0, "ok", None, None, None, None),
    ("2012-03-01", "SOU", "REF_COUNT"): (7.0, "ok", None, None, None, None),
    ("2012-03-01", "EAS", "REF_COUNT"): NS,
    ("2012-03-01", "ALL", "REF_COUNT"): INC,
    ("2012-03-01", "NOR", "IA_7WD_PCT"): (75.0, "ok", 69.0, "green", "improving", 1),
    ("2012-03-01", "SOU", "IA_7WD_PCT"): (62.5, "ok", 69.0, "amber", "improving", 2),
    ("2012-03-01", "EAS", "IA_7WD_PCT"): NS,
    ("2012-03-01", "ALL", "IA_7WD_PCT"): INC,
    ("2012-03-01", "NOR", "UNALLOC_COUNT"): (4.0, "ok", 5.0, "green", "improving", 1),
    ("2012-03-01", "SOU", "UNALLOC_COUNT"): (9.0, "ok", 5.0, "red", "worsening", 3),
    ("2012-03-01", "EAS", "UNALLOC_COUNT"): (6.0, "ok", None, None, "unchanged", 2),
    ("2012-03-01", "ALL", "UNALLOC_COUNT"): (19.0, "ok", 15.0, "red", "worsening", None),
}

SECRET = "c0ffee-pseudonym-must-never-show"
# (month, district, extract, file_name, status, rows_read, rows_loaded, rows_rejected, error)
SUBMISSIONS = [
    ("2012-03-01", "NOR", "referrals", "referrals.csv", "loaded", 11, 10, 1, None),
    ("2012-03-01", "NOR", "allocations", "allocations.csv", "loaded", 4, 4, 0, None),
    ("2012-03-01", "SOU", "referrals", "referrals.xlsx", "loaded", 7, 7, 0, None),
    (
        "2012-03-01",
        "EAS",
        "referrals",
        "referrals.csv",
        "rejected",
        None,
        None,
        None,
        "the header has no child_id column",
    ),
    ("2012-02-01", "EAS", "referrals", "referrals.csv", "loaded", 5, 5, 0, None),
]
# (month, district, extract, line_number, column_name, reason)
REJECTED_ROWS = [
    ("2012-03-01", "NOR", "referrals", 4, "referral_date", "referral_date is not a date"),
    ("2012-03-01", "SOU", "referrals", 3, "child_id", "child_id is blank"),
    ("2012-03-01", "SOU", "referrals", 9, "child_id", "child_id is blank"),
    ("2012-02-01", "SOU", "referrals", 2, "child_id", "child_id is blank"),
]


def build_warehouse(path: Path) -> Path:
    """The tables of warehouse.md that the pack reads, as a published file holds them."""
    with duckdb.connect(str(path)) as con:
        con.execute(
            "CREATE SCHEMA marts; CREATE SCHEMA audit;"
            "CREATE TABLE marts.dim_district (district_code VARCHAR, district_name VARCHAR, "
            "is_county BOOLEAN);"
            "CREATE TABLE marts.dim_month (month_start DATE, month_end DATE, "
            "month_label VARCHAR, financial_year VARCHAR, fy_month INTEGER);"
            "CREATE TABLE marts.dim_indicator (indicator_code VARCHAR, indicator_name VARCHAR, "
            "unit VARCHAR, polarity VARCHAR, definition VARCHAR);"
            "CREATE TABLE marts.scorecard_monthly (month_start DATE, district_code VARCHAR, "
            "indicator_code VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE, "
            "data_status VARCHAR, target DOUBLE, tolerance_pct DOUBLE, rag VARCHAR, "
            "previous_value DOUBLE, direction VARCHAR, district_rank BIGINT);"
            "CREATE TABLE audit.submissions (reporting_month DATE, district_code VARCHAR, "
            "extract VARCHAR, file_name VARCHAR, status VARCHAR, rows_read BIGINT, "
            "rows_loaded BIGINT, rows_rejected BIGINT, error VARCHAR);"
            "CREATE TABLE audit.rejected_rows (reporting_month DATE, district_code VARCHAR, "
            "extract VARCHAR, file_name VARCHAR, line_number BIGINT, column_name VARCHAR, "
            "reason VARCHAR, raw_record JSON);"
        )
        con.executemany(
            "INSERT INTO marts.dim_district VALUES (?, ?, ?)",
            [(*COUNTY, True)] + [(code, name, False) for code, name in DISTRICTS],
        )
        con.executemany(
            "INSERT INTO marts.dim_month VALUES (?, last_day(?::DATE), ?, '2011-12', ?)",
            [(start, start, label, 10 + i) for i, (start, label) in enumerate(MONTHS)],
        )
        con.executemany(
            "INSERT INTO marts.dim_indicator VALUES (?, ?, ?, ?, 'as indicators.md')",
            INDICATORS,
        )
        con.executemany(
            "INSERT INTO marts.scorecard_monthly VALUES "
            "(?, ?, ?, ?, NULL, NULL, ?, ?, 10, ?, NULL, ?, ?)",
            [(*key, *row) for key, row in SCORECARD.items()],
        )
        con.executemany(
            "INSERT INTO audit.submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", SUBMISSIONS
        )
        con.executemany(
            "INSERT INTO audit.rejected_rows VALUES (?, ?, ?, 'referrals.csv', ?, ?, ?, ?)",
            [(*row, f'{{"child_id": "{SECRET}"}}') for row in REJECTED_ROWS],
        )
    return path


# signals.md: the county's XmR rows for UNALLOC_COUNT, and one revised figure
SPC = {
    "2012-02-01": (20.0, 14.0, 26.0, None, "common_cause"),
    "2012-03-01": (19.5, 18.5, 20.5, "shift", "special_cause_concern"),
}


def add_signals(path: Path) -> Path:
    """The columns and table `signals.md` adds, as the other helpers' models will."""
    with duckdb.connect(str(path)) as con:
        con.execute(
            "ALTER TABLE marts.scorecard_monthly ADD COLUMN variation VARCHAR;"
            "ALTER TABLE marts.scorecard_monthly ADD COLUMN assurance VARCHAR;"
            "ALTER TABLE marts.scorecard_monthly ADD COLUMN first_published_value DOUBLE;"
            "ALTER TABLE marts.scorecard_monthly ADD COLUMN revised BOOLEAN DEFAULT false;"
            "UPDATE marts.scorecard_monthly SET first_published_value = value;"
            "UPDATE marts.scorecard_monthly SET variation = 'special_cause_concern', "
            "assurance = 'consistent_fail' "
            "WHERE district_code = 'ALL' AND indicator_code = 'UNALLOC_COUNT' "
            "AND month_start = '2012-03-01';"
            # Northam's March unallocated cases were first published as 3, now 4
            "UPDATE marts.scorecard_monthly SET first_published_value = 3, revised = true "
            "WHERE district_code = 'NOR' AND indicator_code = 'UNALLOC_COUNT' "
            "AND month_start = '2012-03-01';"
            "CREATE TABLE marts.fct_indicator_spc AS SELECT month_start, district_code, "
            "indicator_code, value, NULL::INTEGER AS points, NULL::DOUBLE AS mean, "
            "NULL::DOUBLE AS lower_limit, NULL::DOUBLE AS upper_limit, NULL::VARCHAR AS spc_rule, "
            "NULL::VARCHAR AS variation, NULL::VARCHAR AS assurance FROM marts.scorecard_monthly;"
        )
        for month, (mean, lower, upper, rule, variation) in SPC.items():
            con.execute(
                "UPDATE marts.fct_indicator_spc SET mean = ?, lower_limit = ?, upper_limit = ?, "
                "spc_rule = ?, variation = ? WHERE district_code = 'ALL' "
                "AND indicator_code = 'UNALLOC_COUNT' AND month_start = ?",
                [mean, lower, upper, rule, variation, month],
            )
    return path
