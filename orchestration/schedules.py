"""The monthly scorecard build, on the n-th working day after month end.

Cron cannot count working days, so the schedule ticks every day at the configured
time (Europe/London) and requests a run only on the n-th working day after the last
month's end, counted with the same England calendar as the indicators
(working_days). The run builds the month just ended for every district, then dbt,
checks and publish.
"""

from datetime import date, timedelta

from dagster import (
    DefaultScheduleStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SkipReason,
    schedule,
)
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from orchestration.jobs import scorecard_build
from orchestration.partitions import DISTRICTS, MONTHS, district_month_key
from orchestration.settings import schedule_time, schedule_working_day
from orchestration.working_days import nth_working_day_after

WORKING_DAY = schedule_working_day()
HOUR, MINUTE = schedule_time()


def build_day(month_end: date, working_day: int = WORKING_DAY) -> date:
    """The day the scorecard for the month ending ``month_end`` is built."""
    return nth_working_day_after(month_end, working_day)


@schedule(
    name="monthly_scorecard",
    cron_schedule=f"{MINUTE} {HOUR} * * *",
    execution_timezone="Europe/London",
    job=scorecard_build,
    default_status=DefaultScheduleStatus.STOPPED,  # switched on deliberately: README
    description=(
        f"The monthly scorecard build at {HOUR:02d}:{MINUTE:02d} Europe/London on working day "
        f"{WORKING_DAY} after month end (SCORECARD_SCHEDULE_WORKING_DAY, SCORECARD_SCHEDULE_TIME)."
    ),
)
def monthly_scorecard(context: ScheduleEvaluationContext):
    today = context.scheduled_execution_time.date()
    month_end = today.replace(day=1) - timedelta(days=1)
    if today != build_day(month_end):
        return SkipReason(f"Not working day {WORKING_DAY} after {month_end:%d %B %Y}")
    month = f"{month_end:%Y-%m}"
    districts = context.instance.get_dynamic_partitions(DISTRICTS.name)
    if month not in context.instance.get_dynamic_partitions(MONTHS.name) or not districts:
        return SkipReason(f"Nothing has landed for {month} yet")
    return RunRequest(
        run_key=month,
        tags={
            ASSET_PARTITION_RANGE_START_TAG: str(district_month_key(month, districts[0])),
            ASSET_PARTITION_RANGE_END_TAG: str(district_month_key(month, districts[-1])),
        },
    )
