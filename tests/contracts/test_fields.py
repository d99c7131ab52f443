"""The shared field types of extracts.md's "File format": dates, numbers, booleans,
codes, text and ids, each as parsed and as rejected (reason, column, line)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from judging import judge_csv, record, rejections

from contracts.fields import parse_boolean, parse_code, parse_date, parse_number

REFERRAL_HEADER = "referral_id,child_id,referral_date,referral_source,date_of_birth\n"
WORKER_HEADER = "worker_id,team_code,team_type,case_holding,employment_type,fte\n"


def referral_date(cell: str):
    """Judge one referrals row whose referral_date is ``cell``."""
    return judge_csv("referrals", f"{REFERRAL_HEADER}R1,C1,{cell},,\n")


# --- dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "parsed"),
    [
        ("2011-04-05", date(2011, 4, 5)),
        ("4/3/2011", date(2011, 3, 4)),  # day first: 4 March
        ("04/03/2011", date(2011, 3, 4)),
        ("31/1/2011", date(2011, 1, 31)),
        ("  2011-04-05  ", date(2011, 4, 5)),  # white space trimmed
        ('" 4/3/2011 "', date(2011, 3, 4)),  # ... inside quotes too
        ("29/2/2008", date(2008, 2, 29)),  # a leap day
        ("1990-01-01", date(1990, 1, 1)),  # the first allowed day
        ("30/4/2011", date(2011, 4, 30)),  # the reporting month's last day
    ],
)
def test_dates_are_iso_or_uk_day_first_with_white_space_trimmed(cell, parsed):
    validated = referral_date(cell)
    assert rejections(validated) == []
    assert record(validated, 2)["referral_date"] == pd.Timestamp(parsed)


@pytest.mark.parametrize(
    "cell",
    [
        "2011-4-5",  # ISO needs two-digit month and day
        "5/4/11",  # two-digit year
        "4-3-2011",
        "2011/04/05",
        "05.04.2011",
        "5 April 2011",
        "20110405",
        "2011-04-05T00:00",
        "2011-04-05 10:30:00",  # a time of day
        "٢٠١١-٠٤-٠٥",  # digits of another script
    ],
)
def test_any_other_date_form_is_a_row_error(cell):
    assert rejections(referral_date(cell)) == [
        (
            2,
            "referral_date",
            f"referral_date is not a valid date (use YYYY-MM-DD or D/M/YYYY): '{cell}'",
        )
    ]


@pytest.mark.parametrize(
    "cell", ["2011-02-29", "29/2/2011", "31/04/2011", "2011-13-01", "0/1/2011"]
)
def test_impossible_dates_are_row_errors(cell):
    ((line, column, reason),) = rejections(referral_date(cell))
    assert (line, column) == (2, "referral_date")
    assert reason.startswith("referral_date is not a valid date")


@pytest.mark.parametrize("cell", ["1989-12-31", "1/5/2011", "2011-05-01", "2020-01-01"])
def test_a_date_before_1990_or_after_the_reporting_month_is_a_row_error(cell):
    assert rejections(referral_date(cell)) == [
        (
            2,
            "referral_date",
            f"referral_date is outside the allowed range 1990-01-01 to 2011-04-30: '{cell}'",
        )
    ]


@pytest.mark.parametrize("cell", ["1985-12-31", "2011-05-01"])
def test_an_optional_date_is_range_checked_too(cell):
    validated = judge_csv("referrals", f"{REFERRAL_HEADER}R1,C1,2011-04-05,,{cell}\n")
    assert rejections(validated) == [
        (
            2,
            "date_of_birth",
            f"date_of_birth is outside the allowed range 1986-01-01 to 2011-04-30: '{cell}'",
        )
    ]


@pytest.mark.parametrize(
    ("month_end", "earliest", "day_before"),
    [
        (date(2011, 4, 30), "1986-01-01", "1985-12-31"),
        (date(2012, 1, 31), "1987-01-01", "1986-12-31"),
    ],
)
def test_a_date_of_birth_reaches_back_to_1_january_25_years_before_the_reporting_year(
    month_end, earliest, day_before
):
    validated = judge_csv(
        "referrals",
        f"{REFERRAL_HEADER}R1,C1,2011-04-05,,{earliest}\nR2,C2,2011-04-05,,{day_before}\n",
        month_end=month_end,
    )
    assert record(validated, 2)["date_of_birth"] == pd.Timestamp(earliest)
    assert rejections(validated) == [
        (
            3,
            "date_of_birth",
            f"date_of_birth is outside the allowed range {earliest} to {month_end}: '{day_before}'",
        )
    ]


def test_every_date_but_the_date_of_birth_still_starts_at_1990():
    # a referral in 1989 with a child born in 1989: only the referral is out of range
    validated = judge_csv("referrals", f"{REFERRAL_HEADER}R1,C1,1989-12-31,,1989-12-31\n")
    assert rejections(validated) == [
        (
            2,
            "referral_date",
            "referral_date is outside the allowed range 1990-01-01 to 2011-04-30: '1989-12-31'",
        )
    ]


def test_an_optional_date_may_be_blank_but_not_malformed():
    # line 2: blank date of birth (an unborn child); line 3: white space only = blank;
    # line 4: malformed.
    validated = judge_csv(
        "referrals",
        REFERRAL_HEADER + "R1,C1,2011-04-05,,\nR2,C2,2011-04-05,,   \nR3,C3,2011-04-05,,soon\n",
    )
    assert pd.isna(record(validated, 2)["date_of_birth"])
    assert pd.isna(record(validated, 3)["date_of_birth"])
    assert rejections(validated) == [
        (
            4,
            "date_of_birth",
            "date_of_birth is not a valid date (use YYYY-MM-DD or D/M/YYYY): 'soon'",
        )
    ]


def test_the_range_ends_on_the_last_day_of_each_reporting_month():
    # February 2012 is a leap month: 29/2/2012 is in, 1/3/2012 is out.
    text = REFERRAL_HEADER + "R1,C1,29/2/2012,,\nR2,C2,1/3/2012,,\n"
    validated = judge_csv("referrals", text, month_end=date(2012, 2, 29))
    assert list(validated.records.index) == [2]
    assert rejections(validated)[0][:2] == (3, "referral_date")


def test_parse_date_reads_blank_and_invalid_as_missing():
    parsed = parse_date(pd.Series(["2011-04-05", None, "", "2011-02-30"], dtype=object))
    assert parsed.iloc[0] == pd.Timestamp(2011, 4, 5)
    assert parsed.iloc[1:].isna().all()


# --- numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "parsed"),
    [("0.5", 0.5), (".5", 0.5), ("1", 1.0), ("1.0", 1.0), (" 0.25 ", 0.25), ("+0.5", 0.5)],
)
def test_numbers_use_a_point_as_the_decimal_mark(cell, parsed):
    validated = judge_csv("workforce", f"{WORKER_HEADER}W1,T1,fieldwork,yes,permanent,{cell}\n")
    assert rejections(validated) == []
    assert record(validated, 2)["fte"] == parsed


@pytest.mark.parametrize("cell", ["1,0", "0,5", "1e-1", "half", "0.5.1", "1 000", "NaN", "inf"])
def test_anything_else_is_not_a_number(cell):
    text = f'{WORKER_HEADER}W1,T1,fieldwork,yes,permanent,"{cell}"\n'
    assert rejections(judge_csv("workforce", text)) == [
        (2, "fte", f"fte is not a number (use '.' as the decimal mark, e.g. 0.5): '{cell}'")
    ]


def test_parse_number_reads_malformed_numbers_as_missing():
    parsed = parse_number(pd.Series(["0.5", ".5", "1,0", None], dtype=object))
    assert parsed.iloc[:2].tolist() == [0.5, 0.5]
    assert parsed.iloc[2:].isna().all()


# --- booleans --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "parsed"),
    [
        *[(cell, True) for cell in ("true", "TRUE", "True", "yes", "YES", "y", "Y", "1", " yes ")],
        *[(cell, False) for cell in ("false", "FALSE", "no", "No", "n", "N", "0", "\tn ")],
    ],
)
def test_booleans_in_every_spelling_and_case(cell, parsed):
    validated = judge_csv("workforce", f"{WORKER_HEADER}W1,T1,fieldwork,{cell},agency,1\n")
    assert rejections(validated) == []
    assert record(validated, 2)["case_holding"] is parsed


@pytest.mark.parametrize("cell", ["2", "t", "f", "yess", "on", "-1"])
def test_other_boolean_spellings_are_row_errors(cell):
    validated = judge_csv("workforce", f"{WORKER_HEADER}W1,T1,fieldwork,{cell},agency,1\n")
    assert rejections(validated) == [
        (
            2,
            "case_holding",
            f"case_holding is not a yes/no value (use true/false, yes/no, y/n or 1/0): '{cell}'",
        )
    ]


def test_parse_boolean_reads_blank_as_missing():
    parsed = parse_boolean(pd.Series(["Y", "0", None, "maybe"], dtype=object))
    assert parsed.tolist()[:2] == [True, False]
    assert parsed.iloc[2:].isna().all()


# --- codes, text and ids ---------------------------------------------------------------


@pytest.mark.parametrize("cell", ["fieldwork", "FIELDWORK", "Fieldwork", "  fieldWork "])
def test_codes_match_case_insensitively_with_white_space_trimmed(cell):
    validated = judge_csv("workforce", f"{WORKER_HEADER}W1,T1,{cell},yes,AGENCY,1\n")
    assert rejections(validated) == []
    assert record(validated, 2)["team_type"] == "fieldwork"
    assert record(validated, 2)["employment_type"] == "agency"


def test_parse_code_stores_codes_lower_case():
    assert parse_code(pd.Series([" Neglect "], dtype=object)).tolist() == ["neglect"]


def test_text_is_trimmed_and_white_space_only_is_blank():
    validated = judge_csv(
        "referrals",
        REFERRAL_HEADER + 'R1,C1,2011-04-05,"  Police  ",\nR2,C2,2011-04-05,   ,\n',
    )
    assert record(validated, 2)["referral_source"] == "Police"
    assert pd.isna(record(validated, 3)["referral_source"])


def test_a_required_cell_of_white_space_only_is_blank():
    validated = judge_csv("referrals", REFERRAL_HEADER + "R1,  ,2011-04-05,,\n")
    assert rejections(validated) == [(2, "child_id", "child_id is required but blank")]


def test_ids_are_trimmed_text_compared_case_sensitively():
    # r1 and R1 are two referrals; " R2 " is R2.
    validated = judge_csv(
        "referrals",
        REFERRAL_HEADER + "R1,C1,2011-04-05,,\nr1,C1,2011-04-05,,\n R2 ,C1,2011-04-05,,\n",
    )
    assert rejections(validated) == []
    assert validated.records["referral_id"].tolist() == ["R1", "r1", "R2"]


def test_ids_keep_leading_zeros():
    validated = judge_csv("referrals", REFERRAL_HEADER + "007,0042,2011-04-05,,\n")
    assert record(validated, 2)["referral_id"] == "007"
    assert record(validated, 2)["child_id"] == "0042"


# --- shape: a cell longer than its type can be, or a line break where none belongs ------

POPULATION_HEADER = "district_code,year,population_0_17\n"


@pytest.mark.parametrize(
    ("extract", "row", "column", "length", "limit"),
    [
        ("referrals", REFERRAL_HEADER + "{cell},C1,2011-04-05,,\n", "referral_id", 65, 64),
        ("referrals", REFERRAL_HEADER + "R1,C1,{cell},,\n", "referral_date", 33, 32),
        (
            "referrals",
            REFERRAL_HEADER + "R1,C1,2011-04-05,{cell},\n",
            "referral_source",
            1001,
            1000,
        ),
        ("workforce", WORKER_HEADER + "W1,T1,{cell},yes,agency,1\n", "team_type", 65, 64),
        ("workforce", WORKER_HEADER + "W1,T1,fieldwork,{cell},agency,1\n", "case_holding", 9, 8),
        ("workforce", WORKER_HEADER + "W1,T1,fieldwork,yes,agency,{cell}\n", "fte", 33, 32),
        ("population", POPULATION_HEADER + "NOR,{cell},100\n", "year", 21, 20),
    ],
    ids=["id", "date", "text", "code", "boolean", "number", "integer"],
)
def test_a_cell_longer_than_its_type_allows_is_a_row_error_stating_its_length_not_its_text(
    extract, row, column, length, limit
):
    cell = "7" * length
    validated = judge_csv(extract, row.format(cell=cell))
    # one reason for the cell: its length, not also 'is not a valid date' and the like
    assert rejections(validated) == [
        (2, column, f"{column} is {length} characters long (at most {limit} allowed)")
    ]
    assert cell not in validated.rejected.to_string()


def test_a_cell_as_long_as_its_type_allows_is_judged_as_usual():
    validated = judge_csv("workforce", WORKER_HEADER + f"W1,T1,{'x' * 64},yes,agency,1\n")
    ((line, column, reason),) = rejections(validated)
    assert (line, column) == (2, "team_type")
    assert reason.endswith(f": '{'x' * 64}'")  # short and single-line: quoted


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (
            '"R1\nR1b",C1,2011-04-05,,\n',
            "referral_id",
            "referral_id holds a line break (check the quotes on this line)",
        ),
        (
            'R1,"C1\nC1b",2011-04-05,,\n',
            "child_id",
            "child_id holds a line break (check the quotes on this line)",
        ),
        (
            'R1,C1,"2011-04-05\nx",,\n',
            "referral_date",
            "referral_date holds a line break (check the quotes on this line)",
        ),
    ],
    ids=["id", "child id", "date"],
)
def test_a_line_break_outside_a_text_cell_is_a_row_error_never_quoted(row, column, reason):
    validated = judge_csv("referrals", REFERRAL_HEADER + row)
    assert rejections(validated) == [(2, column, reason)]
    assert "1b" not in validated.rejected.to_string()
    assert "\nx" not in validated.rejected.to_string()


def test_a_line_break_inside_a_text_cell_is_allowed():
    validated = judge_csv("referrals", REFERRAL_HEADER + 'R1,C1,2011-04-05,"Police\nNorth",\n')
    assert rejections(validated) == []
    assert record(validated, 2)["referral_source"] == "Police\nNorth"


def test_a_failing_value_in_an_id_column_is_never_quoted():
    from contracts.base import _reason

    assert _reason("worker_id", "is not listed", "W1") == "worker_id is not listed"
    assert _reason("team_code", "is not listed", "T1") == "team_code is not listed"
    assert _reason("district_code", "is not listed", "XYZ") == "district_code is not listed: 'XYZ'"
