"""England's working days: Monday to Friday except bank holidays.

The bank holidays come from the `holidays` package (GB, subdivision ENG), which
knows one-off days such as 29 April 2011. The indicators count working days in
SQL over ``raw.bank_holidays`` (written from here), and the schedule picks its
day from the same calendar, so the two can never disagree.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays

FIRST_YEAR = 1990  # no date in an extract may precede 1990-01-01


def bank_holidays(first_year: int, last_year: int) -> list[tuple[date, str]]:
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return sorted(calendar.items())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays.country_holidays(
        "GB", subdiv="ENG", years=day.year
    )


def nth_working_day_after(day: date, n: int) -> date:
    """The n-th working day d with day < d (wd(day, d) = n)."""
    found = 0
    while found < n:
        day += timedelta(days=1)
        found += is_working_day(day)
    return day
