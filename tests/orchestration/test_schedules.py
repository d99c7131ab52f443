"""The monthly build fires at 07:00 Europe/London on the 5th working day after month end."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dagster import (
    DagsterInstance,
    RunRequest,
    SkipReason,
    build_schedule_context,
    instance_for_test,
)

from orchestration.partitions import DISTRICTS, MONTHS
from orchestration.schedules import build_day, monthly_scorecard

LONDON = ZoneInfo("Europe/London")

# (month just ended, the day its scorecard is built), worked out on a calendar:
FIRES = [
    # Thu 31 Mar 2011 -> Fri 1, Mon 4, Tue 5, Wed 6, Thu 7 Apr
    ("2011-03", date(2011, 4, 7)),
    # Sat 30 Apr -> Mon 2 May is May Day -> Tue 3, Wed 4, Thu 5, Fri 6, Mon 9 May
    ("2011-04", date(2011, 5, 9)),
    # Wed 31 Aug (Mon 29 Aug's holiday is before it) -> Thu 1, Fri 2, Mon 5, Tue 6, Wed 7 Sep
    ("2011-08", date(2011, 9, 7)),
    # Sat 31 Dec -> Mon 2 Jan 2012 is New Year's Day (substitute) -> Tue 3 ... Mon 9 Jan
    ("2011-12", date(2012, 1, 9)),
    # Sat 31 Mar 2012 -> Mon 2, Tue 3, Wed 4, Thu 5; Good Friday 6 and Easter Monday 9
    # are holidays -> Tue 10 Apr
    ("2012-03", date(2012, 4, 10)),
]


@pytest.fixture(scope="module")
def instance():
    with instance_for_test() as instance:
        instance.add_dynamic_partitions(MONTHS.name, ["2011-03", "2011-04", "2011-08", "2011-12"])
        instance.add_dynamic_partitions(DISTRICTS.name, ["NOR", "SOU"])
        yield instance


def evaluate(instance: DagsterInstance, day: date):
    when = datetime(day.year, day.month, day.day, 7, 0, tzinfo=LONDON)
    return monthly_scorecard(
        build_schedule_context(instance=instance, scheduled_execution_time=when)
    )


@pytest.mark.parametrize(("month", "day"), FIRES)
def test_the_build_day_is_the_fifth_working_day_after_month_end(month, day):
    month_end = day.replace(day=1) - timedelta(days=1)
    assert f"{month_end:%Y-%m}" == month
    assert build_day(month_end) == day


@pytest.mark.parametrize(("month", "day"), FIRES[:4])
def test_the_schedule_requests_the_months_build_on_that_day_only(instance, month, day):
    result = evaluate(instance, day)
    assert isinstance(result, RunRequest)
    assert result.run_key == month
    assert result.tags["dagster/asset_partition_range_start"] == f"NOR|{month}"
    assert result.tags["dagster/asset_partition_range_end"] == f"SOU|{month}"
    for other in (day - timedelta(days=1), day + timedelta(days=1)):
        assert isinstance(evaluate(instance, other), SkipReason)


def test_a_month_with_nothing_landed_is_skipped(instance):
    assert isinstance(evaluate(instance, date(2012, 4, 10)), SkipReason)


def test_the_working_day_is_configurable():
    # Sat 31 Dec 2011: Tue 3 Jan 2012 is the first working day, Thu 5 Jan the third
    assert build_day(date(2011, 12, 31), 1) == date(2012, 1, 3)
    assert build_day(date(2011, 12, 31), 3) == date(2012, 1, 5)


def test_the_schedule_ticks_at_seven_london_time():
    assert monthly_scorecard.cron_schedule == "0 7 * * *"
    assert monthly_scorecard.execution_timezone == "Europe/London"
