"""reference/districts.csv, population.csv and targets.csv: their row rules and keys.

The listed districts are NOR and SOU; the indicator codes REF_COUNT and LAC_RATE.
"""

from __future__ import annotations

import pandas as pd
import pytest
from judging import judge_csv, record, rejections

# --- districts.csv ---------------------------------------------------------------------


@pytest.mark.parametrize("code", ["NOR", "AB", "NORTH_EAST_1", "X_9"])
def test_district_codes_of_2_to_12_upper_case_letters_digits_or_underscore(code):
    validated = judge_csv("districts", f"district_code,district_name\n{code},Somewhere\n")
    assert rejections(validated) == []
    assert record(validated, 2) == {"district_code": code, "district_name": "Somewhere"}


@pytest.mark.parametrize("code", ["N", "NORTH_EAST_12", "NO-R", "NO R", "nor", "NÖR"])
def test_a_district_code_off_the_pattern_is_a_row_error(code):
    validated = judge_csv("districts", f"district_code,district_name\n{code},Somewhere\n")
    assert rejections(validated) == [
        (2, "district_code", f"district_code must be 2 to 12 of A-Z, 0-9 or _: '{code}'")
    ]


def test_all_is_reserved_for_the_county():
    validated = judge_csv("districts", "district_code,district_name\nALL,Everywhere\n")
    assert rejections(validated) == [
        (2, "district_code", "district_code ALL is reserved for the county: 'ALL'")
    ]


def test_district_code_and_name_are_required():
    validated = judge_csv("districts", "district_code,district_name\n,North\nNOR,\n")
    assert rejections(validated) == [
        (2, "district_code", "district_code is required but blank"),
        (3, "district_name", "district_name is required but blank"),
    ]


def test_a_district_listed_twice_with_different_names_is_rejected_both_times():
    validated = judge_csv(
        "districts", "district_code,district_name\nNOR,North\nSOU,South\nNOR,Northern\n"
    )
    reason = (
        "conflicting duplicate: district_code 'NOR' appears on lines 2, 4 with different values"
    )
    assert rejections(validated) == [(2, "district_code", reason), (4, "district_code", reason)]
    assert validated.records["district_code"].tolist() == ["SOU"]


def test_districts_are_whatever_the_file_lists():
    # no fixed count or names: another county has others
    text = "district_code,district_name\n" + "".join(f"D{n:02},District {n}\n" for n in range(20))
    assert len(judge_csv("districts", text).records) == 20


# --- population.csv --------------------------------------------------------------------

POP_HEADER = "district_code,year,population_0_17\n"


def test_a_population_row_parses_with_the_district_in_any_case():
    validated = judge_csv("population", POP_HEADER + " nor ,2011,52000\n")
    assert rejections(validated) == []
    assert record(validated, 2) == {
        "district_code": "NOR",
        "year": 2011,
        "population_0_17": 52000,
    }


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("EST,2011,100", "district_code", "district_code is not a listed district: 'EST'"),
        ("ALL,2011,100", "district_code", "district_code is not a listed district: 'ALL'"),
        ("NOR,2011,0", "population_0_17", "population_0_17 must be greater than 0: '0'"),
        ("NOR,2011,-5", "population_0_17", "population_0_17 must be greater than 0: '-5'"),
        ("NOR,2011,1.5", "population_0_17", "population_0_17 is not a whole number: '1.5'"),
        ("NOR,2011,", "population_0_17", "population_0_17 is required but blank"),
        ("NOR,2011/12,100", "year", "year is not a whole number: '2011/12'"),
        ("NOR,,100", "year", "year is required but blank"),
    ],
)
def test_population_row_rules(row, column, reason):
    assert rejections(judge_csv("population", POP_HEADER + row + "\n")) == [(2, column, reason)]


def test_population_district_and_year_are_unique():
    # (NOR, 2011) twice with different figures: both rejected; (NOR, 2012) stands;
    # (SOU, 2011) repeated identically is one record.
    validated = judge_csv(
        "population",
        POP_HEADER + "NOR,2011,100\nNOR,2012,110\nnor,2011,120\nSOU,2011,90\nSOU,2011,90\n",
    )
    reason = (
        "conflicting duplicate: district_code / year 'NOR / 2011' appears on lines 2, 4 "
        "with different values"
    )
    assert rejections(validated) == [
        (2, "district_code, year", reason),
        (4, "district_code, year", reason),
    ]
    assert list(validated.records.index) == [3, 5]


# --- targets.csv -----------------------------------------------------------------------

TARGET_HEADER = "indicator_code,financial_year,district_code,target,tolerance_pct\n"


@pytest.mark.parametrize(
    ("district", "parsed"), [("", None), ("ALL", "ALL"), ("all", "ALL"), ("sou", "SOU")]
)
def test_target_district_may_be_blank_all_or_a_listed_district(district, parsed):
    validated = judge_csv("targets", TARGET_HEADER + f"ref_count,2011-12,{district},40,5\n")
    assert rejections(validated) == []
    row = record(validated, 2)
    assert row["indicator_code"] == "REF_COUNT"
    assert row["financial_year"] == "2011-12"
    assert (None if pd.isna(row["district_code"]) else row["district_code"]) == parsed
    assert (row["target"], row["tolerance_pct"]) == (40.0, 5.0)


def test_a_blank_tolerance_is_zero():
    validated = judge_csv("targets", TARGET_HEADER + "REF_COUNT,2011-12,,40,\n")
    assert record(validated, 2)["tolerance_pct"] == 0.0


def test_a_missing_optional_target_column_reads_as_blank():
    validated = judge_csv("targets", "indicator_code,financial_year,target\nLAC_RATE,2011-12,50\n")
    assert rejections(validated) == []
    assert pd.isna(record(validated, 2)["district_code"])
    assert record(validated, 2)["tolerance_pct"] == 0.0


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (
            "IA_RATE,2011-12,,40,",
            "indicator_code",
            "indicator_code is not an indicator code of indicators.md: 'IA_RATE'",
        ),
        (
            "REF_COUNT,2011-13,,40,",
            "financial_year",
            "financial_year is not a financial year like 2011-12: '2011-13'",
        ),
        (
            "REF_COUNT,2011/12,,40,",
            "financial_year",
            "financial_year is not a financial year like 2011-12: '2011/12'",
        ),
        (
            "REF_COUNT,2011,,40,",
            "financial_year",
            "financial_year is not a financial year like 2011-12: '2011'",
        ),
        (
            "REF_COUNT,2011-12,EST,40,",
            "district_code",
            "district_code is not ALL or a listed district: 'EST'",
        ),
        ("REF_COUNT,2011-12,,,", "target", "target is required but blank"),
        (
            "REF_COUNT,2011-12,,forty,",
            "target",
            "target is not a number (use '.' as the decimal mark, e.g. 0.5): 'forty'",
        ),
        ("REF_COUNT,2011-12,,40,-1", "tolerance_pct", "tolerance_pct must be at least 0: '-1'"),
        ("REF_COUNT,,,40,", "financial_year", "financial_year is required but blank"),
    ],
)
def test_target_row_rules(row, column, reason):
    assert rejections(judge_csv("targets", TARGET_HEADER + row + "\n")) == [(2, column, reason)]


def test_a_financial_year_spanning_the_century_is_accepted():
    validated = judge_csv("targets", TARGET_HEADER + "REF_COUNT,2099-00,,40,\n")
    assert rejections(validated) == []


def test_targets_are_unique_by_indicator_year_and_district_including_blank():
    # (REF_COUNT, 2011-12, blank) twice with different targets: both rejected.
    # (REF_COUNT, 2011-12, NOR) stands; a blank tolerance equals 0, so lines 5 and 6 agree.
    validated = judge_csv(
        "targets",
        TARGET_HEADER
        + "REF_COUNT,2011-12,,40,\n"
        + "REF_COUNT,2011-12,,45,\n"
        + "REF_COUNT,2011-12,NOR,30,\n"
        + "LAC_RATE,2011-12,ALL,50,\n"
        + "lac_rate,2011-12,all,50,0\n",
    )
    reason = (
        "conflicting duplicate: indicator_code / financial_year / district_code "
        "'REF_COUNT / 2011-12 / (blank)' appears on lines 2, 3 with different values"
    )
    key = "indicator_code, financial_year, district_code"
    assert rejections(validated) == [(2, key, reason), (3, key, reason)]
    assert list(validated.records.index) == [4, 5]
