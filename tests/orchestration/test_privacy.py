"""No raw child id survives a run over every kind of bad file, anywhere it could land.

One real `scorecard run` (a subprocess, with a Dagster home of its own and the most
verbose log level) over a landing that holds every malformed file of extracts.md and
issue 8 that can carry a child id: stray and unterminated quotes, a field spanning the
rest of the file, an over-long field, ragged rows, a UTF-16 file, a formula without a
saved value, a conflicting duplicate, a junk file name that is not UTF-8. Every child id
is a distinctive string (``ZQX``) or number, so any raw copy is found by searching the
published file, the working database, the run's output and every file Dagster wrote.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from tests.conftest import DISTRICTS_CSV, land

ROOT = Path(__file__).resolve().parents[2]
RAW_FRAGMENTS = ["ZQX", "987654321"]
HEADER = "referral_id,child_id,referral_date,referral_source\n"


def rows(first: int, count: int) -> str:
    return "".join(
        f"R{n},CHILD-ZQX-{n:04d},2011-04-{1 + n % 28:02d},school\n"
        for n in range(first, first + count)
    )


def formula_workbook() -> bytes:
    """A child id as a number, and a formula whose value Excel never saved."""
    book = Workbook()
    sheet = book.active
    sheet.append(["referral_id", "child_id", "referral_date", "referral_source"])
    sheet.append(["X1", 987654321, datetime(2011, 4, 11), "=A1&B2"])  # no cached value
    sheet.append(["X2", "CHILD-ZQX-9001", datetime(2011, 4, 12), "GP"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HOSTILE = {
    "reference/districts.csv": DISTRICTS_CSV,
    "reference/population.csv": "district_code,year,population_0_17\nNOR,2011,1000\n",
    "reference/targets.csv": "indicator_code,financial_year,district_code,target\n",
    # a stray quote mid-file swallows the rest of the file into one field
    "2011-04/NOR/referrals.csv": HEADER
    + rows(1, 3)
    + 'R4,CHILD-ZQX-0004,2011-04-04,"school\n'
    + rows(5, 20),
    # an unterminated quote in the child id itself
    "2011-05/NOR/referrals.csv": HEADER
    + rows(30, 2)
    + 'R32,"CHILD-ZQX-0032,2011-05-01\n'
    + rows(33, 5).replace("2011-04", "2011-05"),
    # an over-long field holding ids, ragged rows and a conflicting duplicate
    "2011-06/NOR/referrals.csv": HEADER
    + "R40,CHILD-ZQX-0040,2011-06-01,"
    + ("CHILD-ZQX-0041 " * 20_000)
    + "\nR42,CHILD-ZQX-0042\n"
    + "R43,CHILD-ZQX-0043,2011-06-02,a,b,c\n"
    + "R44,CHILD-ZQX-0044,2011-06-03,x\nR44,CHILD-ZQX-0045,2011-06-04,x\n"
    + "R46,CHILD-ZQX-0046,31/13/2011,x\n",
    "2011-06/SOU/referrals.csv": (HEADER + rows(50, 3).replace("2011-04", "2011-06")).encode(
        "utf-16"
    ),
    "2011-06/SOU/initial_assessments.xlsx": b"",  # zero bytes
    "2011-07/SOU/referrals.xlsx": formula_workbook(),
}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    landing = land(base / "landing", HOSTILE)
    # a junk name that is not UTF-8, holding a child id
    with open(bytes(landing / "2011-04" / "NOR") + b"/notes\xff.csv", "wb") as handle:
        handle.write(HEADER.encode() + b"R99,CHILD-ZQX-0099,2011-04-01,x\n")
    home = base / "dagster_home"
    home.mkdir()
    warehouse = base / "out" / "scorecard.duckdb"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.cli",
            "run",
            "--landing",
            str(landing),
            "--warehouse",
            str(warehouse),
        ],  # fmt: skip
        cwd=ROOT,
        env={**os.environ, "DAGSTER_HOME": str(home), "SCORECARD_LOG_LEVEL": "DEBUG"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    work_db = warehouse.with_name(f".{warehouse.name}.work.duckdb")
    return result, warehouse, work_db, home


def test_the_run_publishes_despite_every_bad_file(hostile_run):
    result, warehouse, _, _ = hostile_run
    assert result.returncode == 0, result.stdout + result.stderr
    assert warehouse.is_file()


def text_values(database: Path) -> list[str]:
    values = []
    with duckdb.connect(str(database), read_only=True) as con:
        columns = con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE data_type NOT IN ('DATE', 'BIGINT', 'INTEGER', 'DOUBLE', 'BOOLEAN', "
            "'TIMESTAMP', 'DECIMAL(18,6)')"
        ).fetchall()
        for schema, table, column in columns:
            values += [
                value
                for (value,) in con.execute(
                    f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM "{schema}"."{table}" '
                    f'WHERE "{column}" IS NOT NULL'
                ).fetchall()
            ]
    return values


def leaks(texts: list[str]) -> list[str]:
    return [text[:200] for text in texts for fragment in RAW_FRAGMENTS if fragment in text]


@pytest.mark.parametrize("which", ["published", "working"])
def test_no_raw_child_id_in_either_database(hostile_run, which):
    _, warehouse, work_db, _ = hostile_run
    values = text_values(warehouse if which == "published" else work_db)
    assert values
    assert leaks(values) == []


def test_no_raw_child_id_in_the_run_output(hostile_run):
    result, _, _, _ = hostile_run
    assert leaks([result.stdout, result.stderr]) == []


def test_no_raw_child_id_in_dagster_storage(hostile_run):
    """Run and event storage (SQLite), compute logs and anything else under DAGSTER_HOME."""
    _, _, _, home = hostile_run
    files = [path for path in home.rglob("*") if path.is_file()]
    assert any(path.suffix == ".db" for path in files)
    found = [
        str(path)
        for path in files
        for fragment in RAW_FRAGMENTS
        if fragment.encode() in path.read_bytes()
    ]
    assert found == []


def test_every_bad_file_was_met_and_every_row_accounted_for(hostile_run):
    """The scan above means something only if each bad input really was read and judged."""
    _, warehouse, _, _ = hostile_run
    with duckdb.connect(str(warehouse), read_only=True) as con:
        files = con.execute(
            "SELECT path, rows_read, rows_loaded, rows_rejected, status FROM audit.submissions "
            "WHERE district_code IS NOT NULL ORDER BY path"
        ).fetchall()
        reasons = con.execute(
            "SELECT file_name, line_number, reason FROM audit.rejected_rows "
            "WHERE reporting_month = DATE '2011-04-01' OR reporting_month = DATE '2011-07-01' "
            "ORDER BY ALL"
        ).fetchall()
    assert files == [
        ("2011-04/NOR/notes\\xff.csv", None, None, None, "ignored"),
        # 24 data lines: the stray quote's line is rejected, the 20 after it still load
        ("2011-04/NOR/referrals.csv", 24, 23, 1, "loaded"),
        ("2011-05/NOR/referrals.csv", 8, 7, 1, "loaded"),
        # over-long field, two ragged rows, a conflicting pair, a bad date
        ("2011-06/NOR/referrals.csv", 6, 0, 6, "loaded"),
        ("2011-06/SOU/initial_assessments.xlsx", None, None, None, "rejected"),
        ("2011-06/SOU/referrals.csv", None, None, None, "rejected"),
        ("2011-07/SOU/referrals.xlsx", 2, 1, 1, "loaded"),
    ]
    assert [(name, line) for name, line, _ in reasons] == [
        ("referrals.csv", 5),
        ("referrals.xlsx", 2),
    ]
    assert reasons[0][2].startswith("a quote in referral_source on this line is not closed")
    assert reasons[1][2].startswith("referral_source holds a formula with no saved value")
