"""Dates as day ordinals, months as indices, and England's working days.

The simulation works on integer day ordinals (``date.toordinal()``) held in numpy
arrays, because a few hundred thousand dated events per run must stay fast.
Working days follow indicators.md exactly (Mon-Fri except England bank holidays
from the ``holidays`` package, ``wd(a, b)`` counting days d with a < d <= b), so
a timescale drawn here is the timescale the scorecard will measure.
"""

from __future__ import annotations

from datetime import date

import holidays
import numpy as np

# Far beyond any date the demo writes: "has not happened (yet)".
NEVER = date(9999, 12, 31).toordinal()


def month_start(month: str) -> date:
    """`2011-12` -> 2011-12-01."""
    year, mon = (int(part) for part in month.split("-"))
    return date(year, mon, 1)


def add_months(month: str, count: int) -> str:
    """`2011-12` + 1 -> `2012-01`."""
    year, mon = (int(part) for part in month.split("-"))
    index = year * 12 + (mon - 1) + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_end(month: str) -> date:
    """Last day of the month."""
    return date.fromordinal(month_start(add_months(month, 1)).toordinal() - 1)


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive."""
    months = [first]
    while months[-1] < last:
        months.append(add_months(months[-1], 1))
    if months[-1] != last:
        raise ValueError(f"last month {last!r} is not a YYYY-MM month after {first!r}")
    return months


def ordinal(day: date) -> int:
    return day.toordinal()


def month_key(ordinals: np.ndarray) -> np.ndarray:
    """Year * 12 + month - 1 for each day ordinal: months compare as integers."""
    days = np.asarray(ordinals, dtype="int64")
    as_dt = (days - date(1970, 1, 1).toordinal()).astype("datetime64[D]")
    months = as_dt.astype("datetime64[M]").astype("int64")  # months since 1970-01
    return months + 1970 * 12


def key_of(month: str) -> int:
    year, mon = (int(part) for part in month.split("-"))
    return year * 12 + mon - 1


class WorkCalendar:
    """Working-day arithmetic over a fixed span of days, vectorised over ordinals."""

    def __init__(self, first: date, last: date) -> None:
        self.origin = first.toordinal()
        days = np.arange(self.origin, last.toordinal() + 1, dtype="int64")
        bank = holidays.country_holidays("GB", subdiv="ENG", years=range(first.year, last.year + 1))
        bank_days = np.array(sorted(day.toordinal() for day in bank), dtype="int64")
        weekday = (days - 1) % 7  # date(1, 1, 1) is a Monday
        working = (weekday < 5) & ~np.isin(days, bank_days)
        self.working = working
        # cum[i] = working days in [first, days[i]]
        self.cum = np.cumsum(working)
        self.work_days = days[working]
        self.last = int(days[-1])

    def is_working(self, ordinals: np.ndarray) -> np.ndarray:
        return self.working[np.asarray(ordinals) - self.origin]

    def wd(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Working days d with a < d <= b."""
        a = np.asarray(a) - self.origin
        b = np.asarray(b) - self.origin
        return self.cum[b] - self.cum[a]

    def add(self, start: np.ndarray, count: np.ndarray) -> np.ndarray:
        """The ``count``-th working day after ``start`` (``start`` itself when count is 0)."""
        start = np.asarray(start, dtype="int64")
        count = np.asarray(count, dtype="int64")
        position = self.cum[start - self.origin] + count - 1
        position = np.clip(position, 0, len(self.work_days) - 1)
        return np.where(count > 0, self.work_days[position], start)
