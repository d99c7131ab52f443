"""Within one file: rows are judged on their own first; then a repeated id with identical
parsed values is one record, and a repeated id with different values rejects every
row of it ("conflicting duplicate"). "Unique in the file" means unique after this."""

from __future__ import annotations

import pytest
from judging import judge_csv, rejections

REFERRAL_HEADER = "referral_id,child_id,referral_date\n"


def test_an_identical_repeat_is_one_record_from_its_first_line():
    validated = judge_csv("referrals", REFERRAL_HEADER + "R1,C1,2011-04-05\nR1,C1,2011-04-05\n")
    assert rejections(validated) == []
    assert list(validated.records.index) == [2]
    assert validated.rows_accepted == 2  # both rows read became (part of) the record


def test_rows_identical_once_parsed_are_one_record():
    # the same date in two forms, and the same id and text with white space around
    validated = judge_csv("referrals", REFERRAL_HEADER + "R1,C1,2011-04-05\n R1 ,C1 ,5/4/2011\n")
    assert rejections(validated) == []
    assert len(validated.records) == 1


def test_a_conflicting_duplicate_rejects_every_row_of_that_id():
    # R1 appears on lines 2 and 4 with different dates; R2 is untouched
    validated = judge_csv(
        "referrals", REFERRAL_HEADER + "R1,C1,2011-04-05\nR2,C2,2011-04-06\nR1,C1,2011-04-07\n"
    )
    reason = "conflicting duplicate: referral_id 'R1' appears on lines 2, 4 with different values"
    assert rejections(validated) == [(2, "referral_id", reason), (4, "referral_id", reason)]
    assert validated.records["referral_id"].tolist() == ["R2"]
    assert validated.rows_accepted == 1


def test_identical_repeats_plus_a_conflicting_one_are_all_rejected():
    # lines 2 and 3 agree, line 4 differs: R1 has no single version, so all three go
    validated = judge_csv(
        "referrals",
        REFERRAL_HEADER
        + "R1,C1,2011-04-05\n"
        + "R1,C1,2011-04-05\n"
        + "R1,C1,2011-04-07\n"
        + "R2,C2,2011-04-06\n",
    )
    reason = (
        "conflicting duplicate: referral_id 'R1' appears on lines 2, 3, 4 with different values"
    )
    assert rejections(validated) == [(line, "referral_id", reason) for line in (2, 3, 4)]
    assert validated.records["referral_id"].tolist() == ["R2"]
    assert validated.rows_accepted == 1


def test_a_row_failing_on_its_own_is_not_a_duplicate():
    # line 3 repeats R1 with a bad date: it is rejected for that, and R1 on line 2 stands
    validated = judge_csv("referrals", REFERRAL_HEADER + "R1,C1,2011-04-05\nR1,C1,2011-04-32\n")
    assert rejections(validated) == [
        (
            3,
            "referral_date",
            "referral_date is not a valid date (use YYYY-MM-DD or D/M/YYYY): '2011-04-32'",
        )
    ]
    assert list(validated.records.index) == [2]


@pytest.mark.parametrize(
    ("extract", "header", "first", "second", "id_column"),
    [
        (
            "allocations",
            "case_id,child_id,case_start_date,worker_id,unallocated_since",
            "K1,C1,2011-01-10,W1,",
            "K1,C1,2011-01-10,W2,",
            "case_id",
        ),
        (
            "workforce",
            "worker_id,team_code,team_type,case_holding,employment_type,fte",
            "W1,T1,fieldwork,yes,permanent,1",
            "W1,T2,fieldwork,yes,permanent,1",
            "worker_id",
        ),
        (
            "establishment",
            "team_code,team_type,establishment_fte",
            "T1,fieldwork,3",
            "T1,fieldwork,4",
            "team_code",
        ),
    ],
)
def test_unique_in_the_file_ids_repeated_with_other_values_are_all_rejected(
    extract, header, first, second, id_column
):
    identical = judge_csv(extract, f"{header}\n{first}\n{first}\n")
    assert rejections(identical) == []
    assert len(identical.records) == 1

    conflicting = judge_csv(extract, f"{header}\n{first}\n{second}\n")
    key = first.split(",")[0]
    reason = (
        f"conflicting duplicate: {id_column} '{key}' appears on lines 2, 3 with different values"
    )
    assert rejections(conflicting) == [(2, id_column, reason), (3, id_column, reason)]
    assert conflicting.records.empty


def test_files_judged_together_keep_their_own_rows_and_duplicates():
    """A month's files are judged in one go; an id repeated in two files is no conflict."""
    from judging import APRIL_2011_END

    from contracts.base import validate_files
    from contracts.registry import DISTRICT_EXTRACTS
    from orchestration.reading.cells import cells_of
    from orchestration.reading.parsed import parse

    north = REFERRAL_HEADER + "R1,C1,2011-04-05\nR1,C1,2011-04-06\n"  # conflicting in NOR
    south = REFERRAL_HEADER + "R1,C9,2011-04-07\nR2,C2,2011-13-01\n"  # R1 fine; bad date
    batch = cells_of([parse("referrals.csv", text.encode()) for text in (north, south)])
    contract = DISTRICT_EXTRACTS["referrals"]
    judged = validate_files(batch.cells, contract, contract.schema(month_end=APRIL_2011_END))
    assert [(file, line) for file, line, *_ in judged.rejected.itertuples(index=False)] == [
        (0, 2),
        (0, 3),
        (1, 3),
    ]
    assert list(judged.records.index) == [(1, 2)]
    assert judged.rows_accepted.to_dict() == {0: 0, 1: 1}
