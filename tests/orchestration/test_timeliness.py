"""A district with no folder for the month just ended is flagged once the build day has come."""

from datetime import date
from pathlib import Path

import duckdb
from dagster import AssetCheckSeverity

from orchestration.assets.timeliness import due_month, submission_check
from tests.conftest import DISTRICTS_CSV, land

REFERRAL = "referral_id,child_id,referral_date\nR1,CHILD-A,2011-04-05\n"
# April 2011 ends on a Saturday; Mon 2 May is a bank holiday, so with the default working
# day 5 the April build is on Mon 9 May 2011.
APRIL_BUILD_DAY = date(2011, 5, 9)


def _loaded(tmp_path: Path, load_into, files: dict[str, str]) -> Path:
    landing = land(tmp_path / "landing", {"reference/districts.csv": DISTRICTS_CSV, **files})
    work_db = tmp_path / "work.duckdb"
    load_into(landing, work_db)
    return work_db


def _check(work_db: Path, today: date):
    with duckdb.connect(str(work_db), read_only=True) as con:
        return submission_check(con, today)


def test_the_month_due_is_the_latest_whose_build_day_has_come():
    assert due_month(APRIL_BUILD_DAY) == date(2011, 4, 1)
    assert due_month(date(2011, 5, 6)) == date(2011, 3, 1)  # April's build day not yet come


def test_a_district_without_a_folder_on_the_build_day_is_named_as_a_warning(tmp_path, load_into):
    work_db = _loaded(tmp_path, load_into, {"2011-04/NOR/referrals.csv": REFERRAL})
    result = _check(work_db, APRIL_BUILD_DAY)
    assert not result.passed
    assert result.severity == AssetCheckSeverity.WARN
    assert result.description == (
        "1 district(s) had no folder for 2011-04 by its build day 09 May 2011: SOU"
    )
    assert result.metadata["late_districts"].value == ["SOU"]


def test_every_district_submitted_passes(tmp_path, load_into):
    work_db = _loaded(
        tmp_path,
        load_into,
        {"2011-04/NOR/referrals.csv": REFERRAL, "2011-04/SOU/referrals.csv": REFERRAL},
    )
    assert _check(work_db, APRIL_BUILD_DAY).passed


def test_before_the_build_day_a_late_district_is_not_flagged_for_that_month(tmp_path, load_into):
    work_db = _loaded(tmp_path, load_into, {"2011-04/NOR/referrals.csv": REFERRAL})
    result = _check(work_db, date(2011, 5, 6))  # March is due, and the landing begins in April
    assert result.passed
    assert result.description == "Nothing due yet: the landing begins after 2011-03"


def test_a_month_nobody_has_submitted_is_left_to_the_schedule_and_the_latest_is_judged(
    tmp_path, load_into
):
    # May's build day is 7 June, but nothing has landed for May: April is judged, so a
    # landing of history is not flagged late for every month since it ended
    work_db = _loaded(tmp_path, load_into, {"2011-04/NOR/referrals.csv": REFERRAL})
    result = _check(work_db, date(2011, 6, 8))
    assert result.metadata["month"].value == "2011-04"
    assert result.metadata["late_districts"].value == ["SOU"]
