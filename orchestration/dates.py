"""Months as the landing names them (``YYYY-MM``) and the clock loads are stamped with."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime


def month_start(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def month_end(month: str) -> date:
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, calendar.monthrange(year, number)[1])


def now_utc() -> datetime:
    """UTC without a zone, as audit.submissions.loaded_at stores it."""
    return datetime.now(UTC).replace(tzinfo=None)
