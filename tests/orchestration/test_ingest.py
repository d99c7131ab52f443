"""Loading landed files (extracts.md, "What bad input gets"): the audit, rejected rows,
pseudonyms, whole-file rejections, reloads and resubmissions, and, end to end, that
no raw child id reaches either database and that the landing is never written.

Most tests load through the raw assets' functions into a temporary working database
(``load_into``, a fraction of a second). One full ``build`` is shared by the
end-to-end tests of this module, since each build takes about 20 seconds.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from contracts.registry import DISTRICT_EXTRACTS
from orchestration.build import Outcome
from orchestration.dates import month_end, month_start
from orchestration.landing import Landed
from orchestration.loading.files import load_file
from orchestration.pseudonym import Pseudonymiser, load_key
from orchestration.settings import Settings
from tests.conftest import DISTRICTS_CSV, build, land, query

REFERRALS_HEADER = "referral_id,child_id,referral_date\n"
CP_PLANS_HEADER = "plan_id,child_id,start_date,category\n"
PSEUDONYMISER = Pseudonymiser(load_key())  # the fixed test key of tests/conftest.py
FIRST_RUN = datetime(2012, 1, 5, 9, 0)
SECOND_RUN = datetime(2012, 1, 6, 9, 0)


def pseudonym(child_id: str) -> str:
    return PSEUDONYMISER.one(child_id)


def load_one(path: Path, extract: str = "referrals", month: str = "2011-04"):
    """load_file on one landed file, as NOR's submission for ``month``."""
    landed = Landed(extract, path, f"{month}/NOR/{path.name}")
    return load_file(
        landed,
        DISTRICT_EXTRACTS[extract],
        {"month_end": month_end(month)},
        PSEUDONYMISER,
        FIRST_RUN,
        month,
        "NOR",
    )


# --- one file: its audit row and rejected rows -----------------------------------------


def test_a_loaded_file_is_audited_with_its_hash_counts_and_own_name(tmp_path):
    # 4 rows read: line 2 loads, line 3 has a bad date, line 4 is ragged, line 5 loads
    data = (
        REFERRALS_HEADER + "R1,C1,2011-04-05\nR2,C2,2011-04-31\nR3,C3\nR4,C4,1/4/2011\n"
    ).encode()
    path = tmp_path / "Referrals.CSV"
    path.write_bytes(data)
    outcome = load_one(path)
    assert outcome.submission == {
        "reporting_month": month_start("2011-04"),
        "district_code": "NOR",
        "extract": "referrals",
        "file_name": "Referrals.CSV",
        "path": "2011-04/NOR/Referrals.CSV",
        "sha256": hashlib.sha256(data).hexdigest(),
        "loaded_at": FIRST_RUN,
        "rows_read": 4,
        "rows_loaded": 2,
        "rows_rejected": 2,
        "status": "loaded",
        "error": None,
    }
    assert outcome.records["line_number"].tolist() == [2, 5]
    assert outcome.records["child_id"].tolist() == [pseudonym("C1"), pseudonym("C4")]
    rejected = outcome.rejected[["line_number", "column_name", "reason", "file_name"]]
    assert rejected.to_dict(orient="records") == [
        {
            "line_number": 3,
            "column_name": "referral_date",
            "reason": "referral_date is not a valid date (use YYYY-MM-DD or D/M/YYYY): "
            "'2011-04-31'",
            "file_name": "Referrals.CSV",
        },
        {
            "line_number": 4,
            "column_name": None,
            "reason": "the row has 2 fields but the header has 3",
            "file_name": "Referrals.CSV",
        },
    ]


def test_raw_record_holds_the_row_as_landed_with_the_child_id_pseudonymised(tmp_path):
    path = tmp_path / "referrals.csv"
    path.write_text(REFERRALS_HEADER + "R1,CHILD-77,1/1/1980\nR2,CHILD-78\n")
    outcome = load_one(path)
    raw_records = [json.loads(record) for record in outcome.rejected["raw_record"]]
    assert raw_records == [
        {"referral_id": "R1", "child_id": pseudonym("CHILD-77"), "referral_date": "1/1/1980"},
        # a ragged row cannot be matched to the header, so only its shape is kept
        {"field_count": 2},
    ]
    assert "CHILD-7" not in outcome.rejected.to_string()


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", "the file is empty (0 bytes)"),
        (b"referral_id,child_id\nR1,\x81\n", "the file is neither UTF-8 nor Windows-1252 text"),
        (b"referral_id,child_id,Child ID\nR1,C1,C1\n", "the header names column child_id more"),
        (b"referral_id,referral_date\nR1,2011-04-05\n", "required column(s) missing: child_id"),
        (
            "referral_id,child_id\nR1,C1\n".encode("utf-16"),
            "the file is UTF-16 text; save it as CSV UTF-8",
        ),
    ],
    ids=["zero bytes", "undecodable", "duplicate header", "missing column", "UTF-16"],
)
def test_a_file_rejected_whole_has_one_reason_and_no_rejected_rows(tmp_path, content, error):
    path = tmp_path / "referrals.csv"
    path.write_bytes(content)
    outcome = load_one(path)
    assert outcome.submission["status"] == "rejected"
    assert outcome.submission["error"].startswith(error)
    assert outcome.submission["sha256"] == hashlib.sha256(content).hexdigest()
    assert outcome.records is None
    assert outcome.rejected.empty


def test_an_unreadable_workbook_is_rejected_whole(tmp_path):
    path = tmp_path / "referrals.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    outcome = load_one(path)
    assert (outcome.submission["status"], outcome.submission["error"]) == (
        "rejected",
        "the workbook cannot be read (BadZipFile)",
    )


def test_every_row_read_is_loaded_or_rejected(tmp_path):
    # 6 rows: 2 and 3 identical (one record, both loaded), 4 and 6 conflict (both
    # rejected), 5 ragged, 7 blank cells: 2 loaded + 4 rejected = 6 read
    path = tmp_path / "referrals.csv"
    path.write_text(
        REFERRALS_HEADER
        + "R1,C1,2011-04-05\nR1,C1,2011-04-05\nR2,C2,2011-04-05\nR3\nR2,C2,2011-04-06\n,,\n"
    )
    submission = load_one(path).submission
    counts = [submission[key] for key in ("rows_read", "rows_loaded", "rows_rejected")]
    assert counts == [6, 2, 4]


def test_an_unclosed_quote_loses_no_row_and_leaks_no_cell_text(tmp_path):
    # line 3's quote is never closed: it is one row error, and lines 4 and 5 still load
    path = tmp_path / "referrals.csv"
    path.write_text(
        REFERRALS_HEADER
        + "R1,CHILD-A1,2011-04-05\n"
        + 'R2,"CHILD-A2,2011-04-05\n'
        + "R3,CHILD-A3,2011-04-05\n"
        + "R4,CHILD-A4,2011-04-05\n"
    )
    outcome = load_one(path)
    counts = [outcome.submission[key] for key in ("rows_read", "rows_loaded", "rows_rejected")]
    assert counts == [4, 3, 1]
    assert outcome.records["line_number"].tolist() == [2, 4, 5]
    rejected = outcome.rejected[["line_number", "column_name", "reason", "raw_record"]]
    assert rejected.to_dict(orient="records") == [
        {
            "line_number": 3,
            "column_name": "child_id",
            "reason": "a quote in child_id on this line is not closed, so the row runs on to "
            "line 5: close or remove it (the lines after this one are read as rows of their own)",
            "raw_record": json.dumps({"field_count": 2, "line_count": 3}),
        }
    ]
    assert "CHILD-A" not in outcome.rejected.to_string()
    assert "CHILD-A" not in str(outcome.submission)


def test_a_cell_that_fails_its_shape_check_is_withheld_from_raw_record(tmp_path):
    path = tmp_path / "referrals.csv"
    path.write_text(REFERRALS_HEADER + f"R1,CHILD-77,{'9' * 412}\n" + 'R2,CHILD-78,"1/4\n2011"\n')
    outcome = load_one(path)
    rejected = outcome.rejected[["line_number", "reason"]]
    assert rejected.to_dict(orient="records") == [
        {"line_number": 2, "reason": "referral_date is 412 characters long (at most 32 allowed)"},
        {
            "line_number": 3,
            "reason": "referral_date holds a line break (check the quotes on this line)",
        },
    ]
    assert [json.loads(record) for record in outcome.rejected["raw_record"]] == [
        {
            "referral_id": "R1",
            "child_id": pseudonym("CHILD-77"),
            "referral_date": "(withheld: 412 characters)",
        },
        {
            "referral_id": "R2",
            "child_id": pseudonym("CHILD-78"),
            "referral_date": "(withheld: 8 characters)",
        },
    ]


def test_an_over_long_child_id_is_rejected_for_its_length_not_pseudonymised(tmp_path):
    child_id = "CHILD-" + "9" * 94
    path = tmp_path / "referrals.csv"
    path.write_text(REFERRALS_HEADER + f"R1,{child_id},2011-04-05\n")
    outcome = load_one(path)
    assert outcome.rejected["reason"].tolist() == [
        "child_id is 100 characters long (at most 64 allowed)"
    ]
    assert json.loads(outcome.rejected["raw_record"].iloc[0])["child_id"] == (
        "(withheld: 100 characters)"
    )
    assert "999" not in outcome.rejected.to_string()


def test_a_child_id_with_a_unicode_line_separator_is_rejected_not_pseudonymised(tmp_path):
    path = tmp_path / "referrals.csv"
    path.write_text(REFERRALS_HEADER + "R1,CHILD-5\u2028X,2011-04-05\n", encoding="utf-8")
    outcome = load_one(path)
    assert outcome.records.empty
    assert outcome.rejected["reason"].tolist() == [
        "child_id holds a line break (check the quotes on this line)"
    ]
    assert json.loads(outcome.rejected["raw_record"].iloc[0])["child_id"] == (
        "(withheld: 9 characters)"
    )


def test_a_field_over_the_csv_modules_limit_is_a_row_error_not_a_file_rejection(tmp_path):
    path = tmp_path / "referrals.csv"
    path.write_text(
        "referral_id,child_id,referral_date,referral_source\n"
        + f"R1,C1,2011-04-05,{'x' * 200_000}\nR2,C2,2011-04-05,Police\n"
    )
    outcome = load_one(path)
    counts = [outcome.submission[key] for key in ("rows_read", "rows_loaded", "rows_rejected")]
    assert (outcome.submission["status"], counts) == ("loaded", [2, 1, 1])
    assert outcome.rejected["reason"].tolist() == [
        "referral_source is 200000 characters long (at most 1000 allowed)"
    ]
    assert json.loads(outcome.rejected["raw_record"].iloc[0])["referral_source"] == (
        "(withheld: 200000 characters)"
    )


# --- partitions in the working database ------------------------------------------------


def test_a_file_rejected_whole_is_not_submitted_while_others_load(landing, tmp_path, load_into):
    land(
        landing,
        {
            "reference/districts.csv": DISTRICTS_CSV,
            "2011-04/NOR/referrals.csv": "referral_id,referral_date\nR1,2011-04-05\n",
            "2011-04/NOR/cp_plans.csv": CP_PLANS_HEADER + "P1,C1,1/4/2011,neglect\n",
            "2011-04/SOU/referrals.csv": REFERRALS_HEADER + "R1,C1,2011-04-05\n",
        },
    )
    work_db = tmp_path / "work.duckdb"
    load_into(landing, work_db)
    assert query(
        work_db,
        "SELECT path, status, error FROM audit.submissions "
        "WHERE path NOT LIKE 'reference/%' ORDER BY path",
    ) == [
        ("2011-04/NOR/cp_plans.csv", "loaded", None),
        ("2011-04/NOR/referrals.csv", "rejected", "required column(s) missing: child_id"),
        ("2011-04/SOU/referrals.csv", "loaded", None),
    ]
    assert query(work_db, "SELECT district_code, referral_id FROM raw.referrals") == [("SOU", "R1")]
    assert query(work_db, "SELECT district_code, plan_id FROM raw.cp_plans") == [("NOR", "P1")]
    assert query(work_db, "SELECT count(*) FROM audit.rejected_rows") == [(0,)]


FORMULA_LIKE = ['=HYPERLINK("http://x.test","click")', "+cmd|' /C calc'!A0", "@SUM(A1:A2)", "-1+2"]


def test_text_that_looks_like_a_spreadsheet_formula_lands_verbatim(landing, tmp_path, load_into):
    """Kept as landed: neutralising formulas is for whoever exports to a spreadsheet."""
    quoted = "".join(
        f'R{number},C{number},2011-04-05,"{text.replace(chr(34), 2 * chr(34))}"\n'
        for number, text in enumerate(FORMULA_LIKE, start=1)
    )
    land(
        landing,
        {
            "reference/districts.csv": DISTRICTS_CSV,
            "2011-04/NOR/referrals.csv": REFERRALS_HEADER.replace("\n", ",referral_source\n")
            + quoted,
        },
    )
    work_db = tmp_path / "work.duckdb"
    load_into(landing, work_db)
    assert query(work_db, "SELECT referral_source FROM raw.referrals ORDER BY referral_id") == [
        (text,) for text in FORMULA_LIKE
    ]
    assert query(work_db, "SELECT count(*) FROM audit.rejected_rows") == [(0,)]


def test_every_extract_lands_typed_in_its_raw_table(landing, tmp_path, load_into):
    land(
        landing,
        {
            "reference/districts.csv": DISTRICTS_CSV,
            "2011-04/NOR/referrals.csv": "referral_id,child_id,referral_date,referral_source\n"
            "R1,C1,2011-04-05,Police\n",
            "2011-04/NOR/initial_assessments.csv": "assessment_id,child_id,referral_date,"
            "start_date,completed_date\nA1,C1,2011-04-05,2011-04-06,\n",
            "2011-04/NOR/core_assessments.csv": "assessment_id,child_id,start_date,"
            "completed_date\nA1,C1,2011-04-06,2011-04-20\n",
            "2011-04/NOR/cp_plans.csv": CP_PLANS_HEADER + "P1,C1,2011-04-06,Neglect\n",
            "2011-04/NOR/looked_after.csv": "period_id,child_id,start_date,legal_status\n"
            "L1,C1,6/4/2011,C2\n",
            "2011-04/NOR/allocations.csv": "case_id,child_id,case_start_date,worker_id,"
            "unallocated_since\nK1,C1,2011-04-06,,2011-04-06\nK2,C2,2011-04-06,W1,junk\n",
            "2011-04/NOR/workforce.csv": "worker_id,team_code,team_type,case_holding,"
            "employment_type,fte\nW1,T1,fieldwork,Y,agency,.5\n",
            "2011-04/NOR/establishment.csv": "team_code,team_type,establishment_fte\n"
            "T1,fieldwork,3\n",
        },
    )
    work_db = tmp_path / "work.duckdb"
    load_into(landing, work_db)
    april, c1, c2 = date(2011, 4, 1), pseudonym("C1"), pseudonym("C2")

    def raw(table: str) -> list[tuple]:
        return query(work_db, f"SELECT * EXCLUDE (reporting_month, district_code, file_name) "
                     f"FROM raw.{table} ORDER BY line_number")  # fmt: skip

    assert raw("referrals") == [(2, "R1", c1, date(2011, 4, 5), "Police", None)]
    assert raw("initial_assessments") == [(2, "A1", c1, date(2011, 4, 5), date(2011, 4, 6), None)]
    assert raw("core_assessments") == [(2, "A1", c1, date(2011, 4, 6), date(2011, 4, 20))]
    assert raw("cp_plans") == [(2, "P1", c1, date(2011, 4, 6), None, "neglect")]
    assert raw("looked_after") == [(2, "L1", c1, date(2011, 4, 6), None, "C2")]
    assert raw("allocations") == [
        (2, "K1", c1, date(2011, 4, 6), None, date(2011, 4, 6)),
        (3, "K2", c2, date(2011, 4, 6), "W1", None),
    ]
    assert raw("workforce") == [(2, "W1", "T1", "fieldwork", True, "agency", 0.5)]
    assert raw("establishment") == [(2, "T1", "fieldwork", 3.0)]
    assert query(
        work_db, "SELECT DISTINCT reporting_month, district_code FROM raw.allocations"
    ) == [(april, "NOR")]


def snapshot(work_db: Path) -> dict[str, list[tuple]]:
    """Every raw and audit table's rows, sorted."""
    with duckdb.connect(str(work_db), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
            "WHERE schema_name IN ('raw', 'audit') ORDER BY ALL"
        ).fetchall()
        return {
            table: sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for (table,) in tables
        }


SUBMISSION = {
    "reference/districts.csv": DISTRICTS_CSV,
    "2011-04/NOR/referrals.csv": REFERRALS_HEADER + "R1,C1,2011-04-05\nR2,C2,bad\n",
    "2011-04/NOR/notes.txt": "ignored",
    "2011-04/SOU/cp_plans.csv": "plan_id\n",
    "tmp/readme.txt": "ignored",
}


def test_reloading_the_same_submission_changes_nothing(landing, tmp_path, load_into):
    land(landing, SUBMISSION)
    work_db = tmp_path / "work.duckdb"
    load_into(landing, work_db, FIRST_RUN)
    first = snapshot(work_db)
    load_into(landing, work_db, SECOND_RUN)
    # same rows in every table, and every audit row keeps its first loaded_at
    assert snapshot(work_db) == first
    assert {loaded_at for *_, loaded_at in first["audit.submissions"]} == {FIRST_RUN}
    # 5 items landed, plus population.csv and targets.csv reported missing
    assert len(first["audit.submissions"]) == 7
    assert len(first["raw.referrals"]) == 1
    assert len(first["audit.rejected_rows"]) == 1


def test_a_resubmitted_file_replaces_its_earlier_load(landing, tmp_path, load_into):
    land(landing, SUBMISSION)
    work_db = tmp_path / "work.duckdb"
    load_into(landing, work_db, FIRST_RUN)
    # the district corrects R2 and drops R1 from the same month's file
    land(landing, {"2011-04/NOR/referrals.csv": REFERRALS_HEADER + "R2,C2,2011-04-09\n"})
    load_into(landing, work_db, SECOND_RUN)
    assert query(work_db, "SELECT referral_id, referral_date::VARCHAR FROM raw.referrals") == [
        ("R2", "2011-04-09")
    ]
    assert query(work_db, "SELECT count(*) FROM audit.rejected_rows") == [(0,)]
    sha = hashlib.sha256((landing / "2011-04/NOR/referrals.csv").read_bytes()).hexdigest()
    assert query(
        work_db,
        "SELECT sha256, rows_read, rows_loaded, rows_rejected, loaded_at FROM audit.submissions "
        "WHERE path = '2011-04/NOR/referrals.csv'",
    ) == [(sha, 1, 1, 0, SECOND_RUN)]
    # the unchanged items keep their first load
    assert query(
        work_db,
        "SELECT DISTINCT loaded_at FROM audit.submissions "
        "WHERE path <> '2011-04/NOR/referrals.csv'",
    ) == [(FIRST_RUN,)]


def test_a_month_removed_from_the_landing_is_forgotten(landing, tmp_path, load_into):
    land(landing, SUBMISSION | {"2011-05/NOR/referrals.csv": REFERRALS_HEADER + "R9,C9,1/5/2011\n"})
    work_db = tmp_path / "work.duckdb"
    load_into(landing, work_db)
    (landing / "2011-05/NOR/referrals.csv").unlink()
    (landing / "2011-05/NOR").rmdir()
    (landing / "2011-05").rmdir()
    load_into(landing, work_db)
    assert query(work_db, "SELECT referral_id FROM raw.referrals") == [("R1",)]
    assert query(work_db, "SELECT count(*) FROM audit.submissions WHERE path LIKE '2011-05%'") == [
        (0,)
    ]


# --- reference files -------------------------------------------------------------------


def test_reference_rejected_rows_have_a_blank_district_and_month(landing, tmp_path, load_into):
    land(
        landing,
        {
            "reference/districts.csv": DISTRICTS_CSV,
            "reference/population.csv": "district_code,year,population_0_17\n"
            "NOR,2011,5000\nEST,2011,4000\nSOU,2011,0\n",
        },
    )
    work_db = tmp_path / "work.duckdb"
    load_into(landing, work_db)
    assert query(
        work_db,
        "SELECT reporting_month, district_code, extract, file_name, line_number, column_name, "
        "reason FROM audit.rejected_rows ORDER BY line_number",
    ) == [
        (None, None, "population", "population.csv", 3, "district_code",
         "district_code is not a listed district: 'EST'"),
        (None, None, "population", "population.csv", 4, "population_0_17",
         "population_0_17 must be greater than 0: '0'"),
    ]  # fmt: skip
    assert query(work_db, "SELECT district_code, year, population_0_17 FROM raw.population") == [
        ("NOR", 2011, 5000)
    ]
    assert query(
        work_db,
        "SELECT rows_read, rows_loaded, rows_rejected, status FROM audit.submissions "
        "WHERE extract = 'population'",
    ) == [(3, 1, 2, "loaded")]


@pytest.mark.parametrize(
    "files",
    [
        {"reference/targets.csv": "indicator_code,target\nREF_COUNT,5\n"},
        {"reference/targets.csv": b"", "reference/population.csv": b"\x81\x81"},
        {"reference/targets.csv": "x\n", "reference/Targets.xlsx": b"x"},
    ],
    ids=["missing column", "unreadable", "ambiguous"],
)
def test_population_or_targets_rejected_whole_read_as_empty_and_are_reported(
    landing, tmp_path, load_into, files
):
    land(landing, {"reference/districts.csv": DISTRICTS_CSV} | files)
    work_db = tmp_path / "work.duckdb"
    assert load_into(landing, work_db) == ["NOR", "SOU"]  # the run goes on
    assert query(work_db, "SELECT count(*) FROM raw.targets") == [(0,)]
    assert query(work_db, "SELECT count(*) FROM raw.population") == [(0,)]
    reported = query(
        work_db,
        "SELECT path, status FROM audit.submissions WHERE extract <> 'districts' ORDER BY path",
    )
    # a population.csv not landed at all is reported too, as missing
    missing = [] if "reference/population.csv" in files else ["reference/population.csv"]
    assert reported == [(path, "rejected") for path in sorted([*files, *missing])]


# --- pseudonyms ------------------------------------------------------------------------


def test_a_blank_child_id_is_rejected_as_blank_not_pseudonymised(tmp_path):
    path = tmp_path / "referrals.csv"
    path.write_text(REFERRALS_HEADER + "R1,   ,2011-04-05\n")
    outcome = load_one(path)
    assert outcome.rejected["reason"].tolist() == ["child_id is required but blank"]


def test_a_file_past_the_size_limit_is_rejected_whole_without_being_read(tmp_path, monkeypatch):
    # 0.01 MB is 10,485 bytes; the file is 35 + 1,100 * 17 = 18,735 bytes (0.0179 MB)
    monkeypatch.setenv("SCORECARD_MAX_FILE_MB", "0.01")
    path = tmp_path / "referrals.csv"
    path.write_text(REFERRALS_HEADER + "R1,C1,2011-04-05\n" * 1100)
    assert path.stat().st_size == 35 + 1100 * 17
    outcome = load_one(path)
    assert (outcome.submission["status"], outcome.submission["error"]) == (
        "rejected",
        "the file is 0.0179 MB, more than the 0.01 MB a file may be (SCORECARD_MAX_FILE_MB)",
    )
    assert outcome.submission.get("sha256") is None  # never read, so never hashed
    assert outcome.records is None
    assert outcome.rejected.empty


def test_a_formula_with_no_saved_value_is_a_rejected_row_that_keeps_only_its_shape(tmp_path):
    # line 2's referral date is a formula openpyxl saved without a value; line 3 loads
    book = Workbook()
    sheet = book.active
    sheet.append(["referral_id", "child_id", "referral_date"])
    sheet.append(["R1", "CHILD-77", "=DATE(2011,4,5)"])
    sheet.append(["R2", "CHILD-78", "2011-04-06"])
    path = tmp_path / "referrals.xlsx"
    book.save(path)
    outcome = load_one(path)
    counts = [outcome.submission[key] for key in ("rows_read", "rows_loaded", "rows_rejected")]
    assert counts == [2, 1, 1]
    assert outcome.records["line_number"].tolist() == [3]
    rejected = outcome.rejected[["line_number", "column_name", "reason", "raw_record"]]
    assert rejected.to_dict(orient="records") == [
        {
            "line_number": 2,
            "column_name": "referral_date",
            "reason": "referral_date holds a formula with no saved value: open the workbook "
            "in Excel and save it so the values are stored",
            "raw_record": json.dumps({"field_count": 3}),
        }
    ]
    assert "CHILD-7" not in outcome.rejected.to_string()


# --- end to end: one build shared by the tests below ------------------------------------

# Child ids are distinctive strings CHILD-ZQX-000n (and one distinctive number, stored as
# a number in an .xlsx), so any raw copy anywhere is found by searching for these.
RAW_FRAGMENTS = ["ZQX", "987654321"]


def referrals_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Referral ID", "Child ID", "Referral Date"])
    sheet.append(["S1", 987654321, datetime(2011, 4, 11)])
    sheet.append(["S2", "CHILD-ZQX-0001", datetime(2011, 4, 12)])
    sheet.append(["S3", 987654321, datetime(2011, 4, 12, 15, 30)])  # a time of day: rejected
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


E2E_LANDING = {
    "reference/districts.csv": DISTRICTS_CSV,
    # rejected whole (no population_0_17 column): reads as empty, and is reported
    "reference/population.csv": "district_code,year\nNOR,2011\n",
    "reference/targets.csv": "indicator_code,financial_year,district_code,target,tolerance_pct\n"
    "REF_COUNT,2011-12,,5,\n",
    "2011-04/NOR/referrals.csv": REFERRALS_HEADER
    + "R1,CHILD-ZQX-0001,2011-04-05\n"  # loads
    + "R2,CHILD-ZQX-0002,2011-04-06\n"  # loads; absent from May, so it stays
    + "R3,CHILD-ZQX-0003,2011-13-01\n"  # bad date
    + "R4,CHILD-ZQX-0004\n"  # ragged
    + 'R5,"CHILD-ZQX-0003",2011-04-07\n'
    + "R5,CHILD-ZQX-0004,2011-04-08\n",  # R5 conflicts
    "2011-04/NOR/looked_after.csv": "period_id,child_id,start_date,end_date\n"
    "L1,CHILD-ZQX-0002,2011-04-10,2011-04-01\n",  # ends before it starts
    "2011-04/SOU/referrals.xlsx": referrals_workbook(),
    # SOU corrects S2 into May; NOR's May referrals.csv has no child_id column: rejected whole
    "2011-05/SOU/referrals.csv": REFERRALS_HEADER + "S2,CHILD-ZQX-0001,2011-05-02\n",
    "2011-05/NOR/referrals.csv": "referral_id,child,referral_date\nR1,CHILD-ZQX-0001,2011-05-03\n",
    "2011-05/NOR/cp_plans.csv": CP_PLANS_HEADER + "P1,CHILD-ZQX-0001,2011-05-01,NEGLECT\n",
    "2011-05/NOR/referrals (1).csv": REFERRALS_HEADER + "R1,CHILD-ZQX-0001,2011-05-03\n",
}


def tree(root: Path) -> dict[str, tuple]:
    """Every entry under ``root`` (links not followed): type, mode, size, mtime, content hash."""
    listing = {}
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(folder) / name
            status = path.lstat()
            if path.is_symlink():
                detail = os.readlink(path)
            elif path.is_file():
                detail = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                detail = "folder"
            listing[path.relative_to(root).as_posix()] = (
                status.st_mode,
                status.st_size,
                status.st_mtime_ns,
                detail,
            )
    return listing


@dataclass(frozen=True)
class Built:
    landing: Path
    warehouse: Path
    work_db: Path
    landing_before: dict[str, tuple]
    landing_after: dict[str, tuple]
    outcome: Outcome


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    """One build of E2E_LANDING, with the landing's tree listed before and after it."""
    base = tmp_path_factory.mktemp("e2e")
    landing = land(base / "landing", E2E_LANDING)
    outside = land(base / "outside", {"2011-06/NOR/referrals.csv": "x"})
    os.symlink(outside / "2011-06", landing / "2011-06")
    before = tree(landing)
    warehouse = base / "out" / "scorecard.duckdb"
    outcome = build(landing, warehouse)
    work_db = Settings.resolve(landing, warehouse).work_db
    return Built(landing, warehouse, work_db, before, tree(landing), outcome)


def test_build_publishes_despite_rejected_rows_and_files(built):
    assert built.outcome.published, built.outcome.message
    assert built.warehouse.is_file() and built.work_db.is_file()


def test_the_landing_folder_is_never_written(built):
    assert built.landing_after == built.landing_before
    assert len(built.landing_before) == 18  # 10 files, 7 folders and the link


def text_values(database: Path) -> dict[str, list[str]]:
    """Every value of every text or JSON column of every table, by table.column."""
    found: dict[str, list[str]] = {}
    with duckdb.connect(str(database), read_only=True) as con:
        columns = con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE data_type IN ('VARCHAR', 'JSON') OR data_type LIKE '%[]' "
            "OR data_type LIKE 'STRUCT%' OR data_type LIKE 'MAP%'"
        ).fetchall()
        for schema, table, column in columns:
            values = con.execute(
                f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM "{schema}"."{table}" '
                f'WHERE "{column}" IS NOT NULL'
            ).fetchall()
            found[f"{schema}.{table}.{column}"] = [value for (value,) in values]
    return found


@pytest.mark.parametrize("which", ["working database", "published warehouse"])
def test_no_raw_child_id_appears_anywhere(built, which):
    database = built.work_db if which == "working database" else built.warehouse
    values = text_values(database)
    assert values, "the scan found no text columns at all"
    leaks = {
        column: value
        for column, column_values in values.items()
        for value in column_values
        for fragment in RAW_FRAGMENTS
        if fragment.lower() in value.lower()
    }
    assert leaks == {}
    # the scan does see the pseudonyms: the audit's raw records hold them
    assert any(
        pseudonym("CHILD-ZQX-0003") in value for value in values["audit.rejected_rows.raw_record"]
    )


def test_the_pseudonym_is_stable_across_months_and_districts(built):
    referrals = query(
        built.work_db,
        "SELECT strftime(reporting_month, '%Y-%m'), district_code, referral_id, child_id "
        "FROM raw.referrals ORDER BY ALL",
    )
    assert referrals == [
        ("2011-04", "NOR", "R1", pseudonym("CHILD-ZQX-0001")),
        ("2011-04", "NOR", "R2", pseudonym("CHILD-ZQX-0002")),
        ("2011-04", "SOU", "S1", pseudonym("987654321")),  # an .xlsx number, read as digits
        ("2011-04", "SOU", "S2", pseudonym("CHILD-ZQX-0001")),
        ("2011-05", "SOU", "S2", pseudonym("CHILD-ZQX-0001")),
    ]
    assert query(built.work_db, "SELECT child_id FROM raw.cp_plans") == [
        (pseudonym("CHILD-ZQX-0001"),)
    ]


def test_rejected_rows_are_recorded_with_file_line_column_and_reason(built):
    rejected = query(
        built.warehouse,
        "SELECT strftime(reporting_month, '%Y-%m'), district_code, extract, file_name, "
        "line_number, column_name, reason FROM audit.rejected_rows ORDER BY ALL",
    )
    not_a_date = "referral_date is not a valid date (use YYYY-MM-DD or D/M/YYYY): "
    conflict = "conflicting duplicate: referral_id 'R5' appears on lines 6, 7 with different values"
    nor, sou = ("2011-04", "NOR"), ("2011-04", "SOU")
    assert rejected == [
        (*nor, "looked_after", "looked_after.csv", 2, "end_date", "end_date is before start_date"),
        (*nor, "referrals", "referrals.csv", 4, "referral_date", not_a_date + "'2011-13-01'"),
        (*nor, "referrals", "referrals.csv", 5, None, "the row has 2 fields but the header has 3"),
        (*nor, "referrals", "referrals.csv", 6, "referral_id", conflict),
        (*nor, "referrals", "referrals.csv", 7, "referral_id", conflict),
        (
            *sou,
            "referrals",
            "referrals.xlsx",
            4,
            "referral_date",
            not_a_date + "'2011-04-12 15:30:00'",
        ),
    ]


def test_rows_read_is_rows_loaded_plus_rows_rejected_for_every_loaded_file(built):
    files = query(
        built.warehouse,
        "SELECT s.path, s.rows_read, s.rows_loaded, s.rows_rejected, "
        "(SELECT count(*) FROM audit.rejected_rows r WHERE r.path = s.path) "
        "FROM audit.submissions s WHERE s.status = 'loaded' ORDER BY s.path",
    )
    assert [path for path, *_ in files] == [
        "2011-04/NOR/looked_after.csv",
        "2011-04/NOR/referrals.csv",
        "2011-04/SOU/referrals.xlsx",
        "2011-05/NOR/cp_plans.csv",
        "2011-05/SOU/referrals.csv",
        "reference/districts.csv",
        "reference/targets.csv",
    ]
    for path, read, loaded, rejected, rejected_rows in files:
        assert read == loaded + rejected, path
        assert rejected == rejected_rows, path
    assert files[1][1:] == (6, 2, 4, 4)  # NOR's April referrals


def test_a_file_rejected_whole_is_reported_and_its_extract_not_submitted(built):
    assert query(
        built.warehouse,
        "SELECT status, error, rows_read FROM audit.submissions "
        "WHERE path = '2011-05/NOR/referrals.csv'",
    ) == [("rejected", "required column(s) missing: child_id", None)]
    statuses = query(
        built.warehouse,
        "SELECT district_code, data_status FROM marts.fct_indicator_monthly "
        "WHERE indicator_code = 'REF_COUNT' AND month_start = DATE '2011-05-01' ORDER BY ALL",
    )
    assert statuses == [("ALL", "incomplete"), ("NOR", "not_submitted"), ("SOU", "ok")]


def test_a_population_file_rejected_whole_reads_as_empty_and_is_reported(built):
    assert query(
        built.warehouse,
        "SELECT status, error FROM audit.submissions WHERE path = 'reference/population.csv'",
    ) == [("rejected", "required column(s) missing: population_0_17")]
    assert query(built.work_db, "SELECT count(*) FROM raw.population") == [(0,)]
    assert set(
        query(
            built.warehouse,
            "SELECT DISTINCT data_status FROM marts.fct_indicator_monthly "
            "WHERE indicator_code = 'LAC_RATE' AND district_code <> 'ALL'",
        )
    ) <= {("no_denominator",), ("not_submitted",)}


def test_the_latest_version_of_an_event_record_wins_and_absence_never_deletes(built):
    # SOU's S2 was dated 12 April in April's file and corrected to 2 May in May's:
    # April counts only S1 (S3 was rejected), May counts S2. NOR's R2 is absent from
    # later files and still counts in April.
    counts = query(
        built.warehouse,
        "SELECT strftime(month_start, '%Y-%m'), district_code, numerator "
        "FROM marts.fct_indicator_monthly WHERE indicator_code = 'REF_COUNT' "
        "AND district_code <> 'ALL' AND data_status = 'ok' ORDER BY ALL",
    )
    assert counts == [("2011-04", "NOR", 2), ("2011-04", "SOU", 1), ("2011-05", "SOU", 1)]


def test_ignored_items_of_the_landing_are_in_the_published_audit(built):
    assert query(
        built.warehouse,
        "SELECT path, status, error FROM audit.submissions WHERE status = 'ignored' ORDER BY path",
    ) == [
        ("2011-05/NOR/referrals (1).csv", "ignored", "not an extract file name"),
        ("2011-06", "ignored", "symbolic link: not followed"),
    ]


# --- end to end: reference files that stop the run -------------------------------------


def test_a_districts_file_rejected_whole_stops_the_run_and_publishes_nothing(landing, tmp_path):
    land(
        landing,
        {
            "reference/districts.csv": "code,name\nNOR,North\n",
            "2011-04/NOR/referrals.csv": REFERRALS_HEADER + "R1,C1,2011-04-05\n",
        },
    )
    warehouse = tmp_path / "out" / "scorecard.duckdb"
    outcome = build(landing, warehouse)
    assert not outcome.published
    assert outcome.message == (
        "Nothing was published: reference/districts.csv was rejected: "
        "required column(s) missing: district_code, district_name"
    )
    assert not warehouse.exists()


def test_a_missing_districts_file_stops_the_run_and_publishes_nothing(landing, tmp_path):
    land(landing, {"2011-04/NOR/referrals.csv": REFERRALS_HEADER + "R1,C1,2011-04-05\n"})
    warehouse = tmp_path / "out" / "scorecard.duckdb"
    outcome = build(landing, warehouse)
    assert not outcome.published
    assert "districts.csv is missing" in outcome.message
    assert not warehouse.exists()
