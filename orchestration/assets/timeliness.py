"""Which districts have not submitted by the day the monthly scorecard is built.

The schedule builds a month's scorecard on working day SCORECARD_SCHEDULE_WORKING_DAY
after its end. Once that day has come, a listed district with no folder for the month
is late: the check warns and names it, so the performance team can chase it before
the committee reads a county figure marked `incomplete`. It runs with every build that
loads the district extracts (the schedule's, the sensor's, `scorecard run`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
from dagster import AssetCheckResult, AssetCheckSeverity, AssetKey, MetadataValue, asset_check

from orchestration.assets import WAREHOUSE_POOL
from orchestration.resources import ScorecardResource
from orchestration.schedules import WORKING_DAY, build_day

DISTRICT_FOLDERS = AssetKey(["raw", "district_folders"])
SUBMITTED = "submitted_by_build_day"
LONDON = ZoneInfo("Europe/London")


def due_month(today: date, working_day: int = WORKING_DAY) -> date:
    """The latest month whose build day is today or past (its first day)."""
    month_end = today.replace(day=1) - timedelta(days=1)
    if today < build_day(month_end, working_day):
        month_end = month_end.replace(day=1) - timedelta(days=1)
    return month_end.replace(day=1)


def judged_month(con: duckdb.DuckDBPyConnection, today: date) -> date:
    """The month due, or the landing's latest month if nothing has landed for it yet.

    A month no district has submitted yet is the schedule's to report (its tick says
    "Nothing has landed for ... yet"); judging it here would flag every district of any
    landing of history (the demo ends in 2012) as late for the month just ended.
    """
    due = due_month(today)
    latest = con.execute("SELECT max(reporting_month) FROM raw.district_folders").fetchone()[0]
    return min(due, latest) if latest is not None else due


def late_districts(con: duckdb.DuckDBPyConnection, month: date) -> list[str] | None:
    """Listed districts with no folder for ``month``; None when the warehouse begins
    after it (a landing that starts later owes nothing for earlier months)."""
    first = con.execute("SELECT min(reporting_month) FROM raw.district_folders").fetchone()[0]
    if first is None or month < first:
        return None
    return [
        district
        for (district,) in con.execute(
            "SELECT district_code FROM raw.districts EXCEPT "
            "SELECT district_code FROM raw.district_folders WHERE reporting_month = ? "
            "ORDER BY ALL",
            [month],
        ).fetchall()
    ]


def submission_check(con: duckdb.DuckDBPyConnection, today: date) -> AssetCheckResult:
    month = judged_month(con, today)
    late = late_districts(con, month)
    due = build_day((month + timedelta(days=31)).replace(day=1) - timedelta(days=1))
    label = f"{month:%Y-%m}"
    metadata = {"month": label, "build_day": MetadataValue.text(f"{due:%Y-%m-%d}")}
    if late is None:
        return AssetCheckResult(
            passed=True,
            metadata=metadata,
            description=f"Nothing due yet: the landing begins after {label}",
        )
    metadata["late_districts"] = MetadataValue.json(late)
    if not late:
        return AssetCheckResult(
            passed=True,
            metadata=metadata,
            description=f"Every listed district has a folder for {label} (due {due:%d %B %Y})",
        )
    return AssetCheckResult(
        passed=False,
        severity=AssetCheckSeverity.WARN,
        metadata=metadata,
        description=(
            f"{len(late)} district(s) had no folder for {label} by its build day "
            f"{due:%d %B %Y}: {', '.join(late)}"
        ),
    )


@asset_check(
    asset=DISTRICT_FOLDERS,
    name=SUBMITTED,
    pool=WAREHOUSE_POOL,
    description=(
        f"Every district listed in reference/districts.csv has a folder for the month just "
        f"ended once its build day (working day {WORKING_DAY} after month end, as the "
        "monthly_scorecard schedule) has come; otherwise warns, naming the late districts."
    ),
)
def submitted_by_build_day(scorecard: ScorecardResource) -> AssetCheckResult:
    settings = scorecard.settings()
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        return submission_check(con, datetime.now(LONDON).date())
