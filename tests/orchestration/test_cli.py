"""`scorecard show` answers a bad argument or a missing warehouse with one plain
sentence and an exit status (2: bad argument, 1: no warehouse), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.cli import main
from tests.orchestration.test_report import OK, publish


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return publish(tmp_path / "scorecard.duckdb", {"2012-02-01": OK, "2012-03-01": OK}, [])


def show(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["show", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("month", ["2011-13", "abc", "2011-1", "0000-01"])
def test_a_month_that_is_not_yyyy_mm_is_a_bad_argument(capsys, warehouse, month):
    assert show(capsys, "--warehouse", str(warehouse), "--month", month) == (
        2,
        "",
        f"--month must be a month written YYYY-MM, such as 2011-12, not {month!r}.\n",
    )


def test_a_month_the_warehouse_does_not_hold_is_a_bad_argument(capsys, warehouse):
    assert show(capsys, "--warehouse", str(warehouse), "--month", "2015-01") == (
        2,
        "",
        "The warehouse holds no figures for 2015-01: its months run from Feb 2012 to Mar 2012.\n",
    )


def test_a_missing_warehouse_file_is_one_sentence_and_exit_1(capsys, tmp_path):
    missing = tmp_path / "nowhere" / "scorecard.duckdb"
    assert show(capsys, "--warehouse", str(missing)) == (
        1,
        "",
        f"There is no published warehouse at {missing}: run `scorecard run` first, "
        "or give its path with --warehouse.\n",
    )


def test_a_file_that_is_not_a_published_warehouse_is_one_sentence_and_exit_1(capsys, tmp_path):
    junk = tmp_path / "scorecard.duckdb"
    junk.write_text("not a database")
    status, out, err = show(capsys, "--warehouse", str(junk))
    assert (status, out) == (1, "")
    assert err.startswith(f"{junk} is not a published scorecard warehouse (")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_month_the_warehouse_holds_is_shown(capsys, warehouse):
    status, out, err = show(capsys, "--warehouse", str(warehouse), "--month", "2012-02")
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == "County scorecard, Feb 2012"
