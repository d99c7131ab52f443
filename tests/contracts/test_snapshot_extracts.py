"""Row rules of the snapshot extracts: allocations, workforce and establishment."""

from __future__ import annotations

import pandas as pd
import pytest
from judging import judge_csv, record, rejections

from contracts.base import MissingColumns

ALLOC_HEADER = "case_id,child_id,case_start_date,worker_id,unallocated_since\n"
WORKER_HEADER = "worker_id,team_code,team_type,case_holding,employment_type,fte\n"
ESTAB_HEADER = "team_code,team_type,establishment_fte\n"


# --- allocations -----------------------------------------------------------------------


def test_an_unallocated_case_keeps_its_unallocated_since():
    validated = judge_csv("allocations", ALLOC_HEADER + "K1,C1,2011-01-10,,2011-01-10\n")
    assert rejections(validated) == []
    assert pd.isna(record(validated, 2)["worker_id"])
    assert record(validated, 2)["unallocated_since"] == pd.Timestamp(2011, 1, 10)


def test_unallocated_since_is_required_when_worker_id_is_blank():
    validated = judge_csv("allocations", ALLOC_HEADER + "K1,C1,2011-01-10,  ,\n")
    assert rejections(validated) == [
        (2, "unallocated_since", "unallocated_since is required when worker_id is blank")
    ]


@pytest.mark.parametrize(
    ("since", "reason"),
    [
        ("soon", "unallocated_since is not a valid date (use YYYY-MM-DD or D/M/YYYY)"),
        ("2011-02-30", "unallocated_since is not a valid date (use YYYY-MM-DD or D/M/YYYY)"),
        (
            "2011-05-01",
            "unallocated_since is outside the allowed range 1990-01-01 to 2011-04-30",
        ),
        ("2011-01-09", "unallocated_since is before case_start_date"),
    ],
)
def test_unallocated_since_is_checked_when_worker_id_is_blank(since, reason):
    validated = judge_csv("allocations", ALLOC_HEADER + f"K1,C1,2011-01-10,,{since}\n")
    assert rejections(validated) == [(2, "unallocated_since", reason)]


@pytest.mark.parametrize("since", ["", "soon", "2011-02-30", "2099-01-01", "2011-01-09"])
def test_unallocated_since_is_ignored_even_if_malformed_when_a_worker_is_named(since):
    validated = judge_csv("allocations", ALLOC_HEADER + f"K1,C1,2011-01-10,W1,{since}\n")
    assert rejections(validated) == []
    assert record(validated, 2)["worker_id"] == "W1"
    assert pd.isna(record(validated, 2)["unallocated_since"])


def test_allocated_rows_differing_only_in_an_ignored_unallocated_since_are_one_record():
    validated = judge_csv(
        "allocations", ALLOC_HEADER + "K1,C1,2011-01-10,W1,junk\nK1,C1,2011-01-10,W1,\n"
    )
    assert rejections(validated) == []
    assert list(validated.records.index) == [2]


def test_case_start_date_is_required_and_range_checked():
    validated = judge_csv("allocations", ALLOC_HEADER + "K1,C1,,W1,\nK2,C2,1989-12-31,W1,\n")
    assert rejections(validated) == [
        (2, "case_start_date", "case_start_date is required but blank"),
        (
            3,
            "case_start_date",
            "case_start_date is outside the allowed range 1990-01-01 to 2011-04-30: '1989-12-31'",
        ),
    ]


def test_a_missing_worker_id_column_reads_as_every_case_unallocated():
    # worker_id is optional: without its column every case needs unallocated_since
    validated = judge_csv(
        "allocations",
        "case_id,child_id,case_start_date,unallocated_since\n"
        "K1,C1,2011-01-10,2011-02-01\nK2,C2,2011-01-10,\n",
    )
    assert pd.isna(record(validated, 2)["worker_id"])
    assert rejections(validated) == [
        (3, "unallocated_since", "unallocated_since is required when worker_id is blank")
    ]


def test_a_missing_unallocated_since_column_rejects_the_whole_file():
    # required under a condition: the column must be there even if every case is allocated
    with pytest.raises(MissingColumns, match="unallocated_since"):
        judge_csv(
            "allocations", "case_id,child_id,case_start_date,worker_id\nK1,C1,2011-01-10,W1\n"
        )


# --- workforce -------------------------------------------------------------------------


def test_a_worker_parses_to_typed_values():
    validated = judge_csv("workforce", WORKER_HEADER + "W1,T1,Looked_After,Y,Agency,.5\n")
    assert record(validated, 2) == {
        "worker_id": "W1",
        "team_code": "T1",
        "team_type": "looked_after",
        "case_holding": True,
        "employment_type": "agency",
        "fte": 0.5,
    }


@pytest.mark.parametrize(
    ("fte", "reason"),
    [
        ("0", "fte must be greater than 0: '0'"),
        ("-0.5", "fte must be greater than 0: '-0.5'"),
        ("1.01", "fte must be at most 1: '1.01'"),
        ("2", "fte must be at most 1: '2'"),
        ("", "fte is required but blank"),
    ],
)
def test_fte_must_be_above_0_and_at_most_1(fte, reason):
    validated = judge_csv("workforce", WORKER_HEADER + f"W1,T1,fieldwork,yes,permanent,{fte}\n")
    assert rejections(validated) == [(2, "fte", reason)]


@pytest.mark.parametrize("fte", ["1", "1.0", "0.01"])
def test_fte_of_exactly_1_or_just_above_0_is_allowed(fte):
    validated = judge_csv("workforce", WORKER_HEADER + f"W1,T1,fieldwork,yes,permanent,{fte}\n")
    assert rejections(validated) == []


@pytest.mark.parametrize(
    ("column", "cell", "reason"),
    [
        (
            "team_type",
            "duty",
            "team_type is not one of: adolescent, disabled_children, fieldwork, looked_after, "
            "other: 'duty'",
        ),
        ("employment_type", "locum", "employment_type is not one of: agency, permanent: 'locum'"),
        ("team_code", "", "team_code is required but blank"),
        ("case_holding", "", "case_holding is required but blank"),
    ],
)
def test_workforce_codes_and_required_cells(column, cell, reason):
    row = {
        "worker_id": "W1",
        "team_code": "T1",
        "team_type": "fieldwork",
        "case_holding": "yes",
        "employment_type": "permanent",
        "fte": "1",
    } | {column: cell}
    validated = judge_csv("workforce", WORKER_HEADER + ",".join(row.values()) + "\n")
    assert rejections(validated) == [(2, column, reason)]


# --- establishment ---------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "parsed"), [("0", 0.0), ("12.5", 12.5), (".5", 0.5)])
def test_establishment_fte_may_be_zero_or_more(cell, parsed):
    validated = judge_csv("establishment", ESTAB_HEADER + f"T1,FIELDWORK,{cell}\n")
    assert rejections(validated) == []
    assert record(validated, 2) == {
        "team_code": "T1",
        "team_type": "fieldwork",
        "establishment_fte": parsed,
    }


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("-1", "establishment_fte must be at least 0: '-1'"),
        ("1,5", "establishment_fte is not a number (use '.' as the decimal mark, e.g. 0.5): '1,5'"),
        ("", "establishment_fte is required but blank"),
    ],
)
def test_establishment_fte_below_zero_or_malformed_is_a_row_error(cell, reason):
    validated = judge_csv("establishment", ESTAB_HEADER + f'T1,fieldwork,"{cell}"\n')
    assert rejections(validated) == [(2, "establishment_fte", reason)]
