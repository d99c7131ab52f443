"""Row rules of the five event extracts: required cells, cross-field date order, codes."""

from __future__ import annotations

import pandas as pd
import pytest
from judging import judge_csv, record, rejections

from contracts.base import MissingColumns
from contracts.cp_plans import CATEGORIES

IA_HEADER = "assessment_id,child_id,referral_date,start_date,completed_date\n"
CA_HEADER = "assessment_id,child_id,start_date,completed_date\n"
CP_HEADER = "plan_id,child_id,start_date,end_date,category\n"
LAC_HEADER = "period_id,child_id,start_date,end_date,legal_status\n"


# --- referrals -------------------------------------------------------------------------


def test_a_referral_parses_to_typed_values():
    validated = judge_csv(
        "referrals",
        "referral_id,child_id,referral_date,referral_source,date_of_birth\n"
        "R1,C1,5/4/2011,Police,2003-07-01\n",
    )
    assert record(validated, 2) == {
        "referral_id": "R1",
        "child_id": "C1",
        "referral_date": pd.Timestamp(2011, 4, 5),
        "referral_source": "Police",
        "date_of_birth": pd.Timestamp(2003, 7, 1),
    }


@pytest.mark.parametrize("column", ["referral_id", "child_id", "referral_date"])
def test_referrals_required_cells_reject_the_row_when_blank(column):
    row = {"referral_id": "R1", "child_id": "C1", "referral_date": "2011-04-05"} | {column: ""}
    text = "referral_id,child_id,referral_date\n" + ",".join(row.values()) + "\n"
    assert rejections(judge_csv("referrals", text)) == [
        (2, column, f"{column} is required but blank")
    ]


def test_every_failing_cell_of_a_row_is_named_in_one_rejection():
    validated = judge_csv(
        "referrals", "referral_id,child_id,referral_date,date_of_birth\n,C1,2011-04-31,1900-01-01\n"
    )
    assert rejections(validated) == [
        (
            2,
            "referral_id, referral_date, date_of_birth",
            "referral_id is required but blank; "
            "referral_date is not a valid date (use YYYY-MM-DD or D/M/YYYY): '2011-04-31'; "
            "date_of_birth is outside the allowed range 1986-01-01 to 2011-04-30: '1900-01-01'",
        )
    ]


def test_a_child_id_is_never_quoted_in_a_reason():
    validated = judge_csv(
        "referrals", "referral_id,child_id,referral_date\nR1,CHILD-SECRET,1/1/1980\n"
    )
    assert "CHILD-SECRET" not in validated.rejected.to_string()


# --- initial_assessments: start_date >= referral_date, completed_date >= start_date ----


def test_initial_assessment_start_may_equal_the_referral_date():
    validated = judge_csv("initial_assessments", IA_HEADER + "A1,C1,2011-04-05,5/4/2011,\n")
    assert rejections(validated) == []
    assert pd.isna(record(validated, 2)["completed_date"])


def test_initial_assessment_start_before_referral_is_a_row_error():
    validated = judge_csv("initial_assessments", IA_HEADER + "A1,C1,2011-04-05,2011-04-04,\n")
    assert rejections(validated) == [(2, "start_date", "start_date is before referral_date")]


def test_initial_assessment_completed_before_start_is_a_row_error():
    validated = judge_csv(
        "initial_assessments", IA_HEADER + "A1,C1,2011-04-01,2011-04-05,2011-04-04\n"
    )
    assert rejections(validated) == [(2, "completed_date", "completed_date is before start_date")]


def test_initial_assessment_breaking_both_orders_names_both_columns():
    validated = judge_csv(
        "initial_assessments", IA_HEADER + "A1,C1,2011-04-05,2011-04-04,2011-04-03\n"
    )
    assert rejections(validated) == [
        (
            2,
            "start_date, completed_date",
            "start_date is before referral_date; completed_date is before start_date",
        )
    ]


def test_a_date_order_rule_is_not_judged_on_a_malformed_date():
    # the malformed start_date is the one reason; no "before" rule is invented from it
    validated = judge_csv(
        "initial_assessments", IA_HEADER + "A1,C1,2011-04-05,someday,2011-04-01\n"
    )
    assert rejections(validated) == [
        (
            2,
            "start_date",
            "start_date is not a valid date (use YYYY-MM-DD or D/M/YYYY): 'someday'",
        )
    ]


@pytest.mark.parametrize("column", ["assessment_id", "child_id", "referral_date", "start_date"])
def test_initial_assessments_required_cells(column):
    row = {
        "assessment_id": "A1",
        "child_id": "C1",
        "referral_date": "2011-04-01",
        "start_date": "2011-04-02",
        "completed_date": "",
    } | {column: ""}
    validated = judge_csv("initial_assessments", IA_HEADER + ",".join(row.values()) + "\n")
    assert rejections(validated) == [(2, column, f"{column} is required but blank")]


# --- core_assessments: completed_date >= start_date ------------------------------------


@pytest.mark.parametrize(
    ("completed", "rejected"), [("", False), ("2011-04-02", False), ("2011-04-01", True)]
)
def test_core_assessment_completed_may_not_precede_start(completed, rejected):
    validated = judge_csv("core_assessments", CA_HEADER + f"A1,C1,2011-04-02,{completed}\n")
    expected = [(2, "completed_date", "completed_date is before start_date")] if rejected else []
    assert rejections(validated) == expected


def test_core_assessment_completed_date_is_range_checked():
    validated = judge_csv("core_assessments", CA_HEADER + "A1,C1,2011-04-02,2011-05-02\n")
    assert rejections(validated) == [
        (
            2,
            "completed_date",
            "completed_date is outside the allowed range 1990-01-01 to 2011-04-30: '2011-05-02'",
        )
    ]


# --- cp_plans: end_date >= start_date; category is a code ------------------------------


@pytest.mark.parametrize("category", [*CATEGORIES, "NEGLECT", " Multiple "])
def test_cp_plan_categories_match_case_insensitively(category):
    validated = judge_csv("cp_plans", CP_HEADER + f"P1,C1,2011-04-01,,{category}\n")
    assert rejections(validated) == []
    assert record(validated, 2)["category"] == category.strip().lower()


def test_an_unknown_cp_plan_category_is_a_row_error():
    validated = judge_csv("cp_plans", CP_HEADER + "P1,C1,2011-04-01,,abuse\n")
    assert rejections(validated) == [
        (
            2,
            "category",
            "category is not one of: emotional, multiple, neglect, physical, sexual: 'abuse'",
        )
    ]


def test_a_blank_cp_plan_category_is_required():
    validated = judge_csv("cp_plans", CP_HEADER + "P1,C1,2011-04-01,,\n")
    assert rejections(validated) == [(2, "category", "category is required but blank")]


@pytest.mark.parametrize(
    ("extract", "header", "tail"),
    [("cp_plans", CP_HEADER, ",neglect"), ("looked_after", LAC_HEADER, ",C2")],
)
@pytest.mark.parametrize(
    ("end", "rejected"), [("", False), ("2011-04-10", False), ("2011-04-09", True)]
)
def test_a_plan_or_period_may_not_end_before_it_starts(extract, header, tail, end, rejected):
    validated = judge_csv(extract, header + f"X1,C1,2011-04-10,{end}{tail}\n")
    expected = [(2, "end_date", "end_date is before start_date")] if rejected else []
    assert rejections(validated) == expected


# --- looked_after ----------------------------------------------------------------------


def test_a_looked_after_period_parses_with_its_optional_columns_absent():
    # end_date and legal_status are optional columns: missing, they read as blank
    validated = judge_csv("looked_after", "period_id,child_id,start_date\nL1,C1,1/4/2011\n")
    assert rejections(validated) == []
    assert pd.isna(record(validated, 2)["end_date"])
    assert pd.isna(record(validated, 2)["legal_status"])


@pytest.mark.parametrize(
    ("extract", "header", "missing"),
    [
        ("referrals", "referral_id,referral_date", "child_id"),
        ("initial_assessments", "assessment_id,child_id,referral_date", "start_date"),
        ("core_assessments", "assessment_id,child_id", "start_date"),
        ("cp_plans", "plan_id,child_id,start_date", "category"),
        ("looked_after", "child_id,start_date", "period_id"),
    ],
)
def test_a_missing_required_column_rejects_the_whole_file(extract, header, missing):
    with pytest.raises(MissingColumns, match=f"required column\\(s\\) missing: {missing}"):
        judge_csv(extract, header + "\n")


@pytest.mark.parametrize(
    ("extract", "header", "row", "optional"),
    [
        ("referrals", "referral_id,child_id,referral_date", "R1,C1,2011-04-05", "referral_source"),
        ("referrals", "referral_id,child_id,referral_date", "R1,C1,2011-04-05", "date_of_birth"),
        (
            "initial_assessments",
            "assessment_id,child_id,referral_date,start_date",
            "A1,C1,2011-04-05,2011-04-06",
            "completed_date",
        ),
        (
            "core_assessments",
            "assessment_id,child_id,start_date",
            "A1,C1,2011-04-06",
            "completed_date",
        ),
        ("cp_plans", "plan_id,child_id,start_date,category", "P1,C1,2011-04-06,sexual", "end_date"),
        ("looked_after", "period_id,child_id,start_date", "L1,C1,2011-04-06", "end_date"),
    ],
)
def test_a_missing_optional_column_reads_as_all_blank(extract, header, row, optional):
    validated = judge_csv(extract, f"{header}\n{row}\n")
    assert rejections(validated) == []
    assert pd.isna(record(validated, 2)[optional])
