"""The kinds of bad row, each a function that corrupts one row in place the way a
district officer's system or typing would, and names the column at fault."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from .write import Raw

_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _bad_date_text(day: date, rng: np.random.Generator) -> str:
    options = (
        f"{day.day}/{day.month}/{day.year % 100:02d}",  # two-digit year
        f"{day.day:02d}.{day.month:02d}.{day.year}",
        f"{day.day:02d} {_MONTH_NAMES[day.month - 1]} {day.year}",
        f"{day.year}-{day.month:02d}-{31 if day.month in (4, 6, 9, 11) else 30 if day.month == 2 else 32}",  # noqa: E501
        "TBC",
    )
    return options[int(rng.integers(len(options)))]


_BAD_DATE_COLUMN = {
    "referrals": "referral_date",
    "initial_assessments": "start_date",
    "core_assessments": "start_date",
    "cp_plans": "start_date",
    "looked_after": "start_date",
    "allocations": "case_start_date",
}
_LATE_COLUMN = {
    "referrals": "referral_date",
    "initial_assessments": "completed_date",
    "core_assessments": "completed_date",
    "cp_plans": "end_date",
    "looked_after": "end_date",
}
_REQUIRED_COLUMN = {
    "referrals": "child_id",
    "initial_assessments": "referral_date",
    "core_assessments": "child_id",
    "cp_plans": "category",
    "looked_after": "child_id",
    "allocations": "unallocated_since",
    "workforce": "team_code",
    "establishment": "team_type",
}
_END_COLUMN = {
    "initial_assessments": "completed_date",
    "core_assessments": "completed_date",
    "cp_plans": "end_date",
    "looked_after": "end_date",
}


@dataclass
class FaultyFile:
    """What a corruption needs to know about the file it writes into."""

    extract: str
    at: dict[str, int]  # column name -> position in a row
    end: date  # the reporting month's last day
    workbook: bool
    rng: np.random.Generator


def _bad_date(file: FaultyFile, row: list[object], column: str | None) -> str:
    """A date a contract cannot read: two-digit year, dots, a month name, a day the month
    does not have, or "TBC"."""
    column = _BAD_DATE_COLUMN[file.extract]
    row[file.at[column]] = Raw(_bad_date_text(row[file.at[column]], file.rng))  # type: ignore[arg-type]
    return column


def _date_after_month_end(file: FaultyFile, row: list[object], column: str | None) -> str:
    """A date a year after the month the file reports: the year mistyped."""
    column = _LATE_COLUMN[file.extract]
    end = file.end
    current = row[file.at[column]] or end
    row[file.at[column]] = date(end.year + 1, current.month, min(current.day, 28))  # type: ignore[union-attr]
    return column


def _missing_required(file: FaultyFile, row: list[object], column: str | None) -> str:
    """A required cell left blank, or (in a CSV) holding only spaces."""
    column = column or _REQUIRED_COLUMN[file.extract]
    row[file.at[column]] = None if file.workbook or file.rng.random() < 0.6 else Raw("  ")
    return column


def _bad_code(file: FaultyFile, row: list[object], column: str | None) -> str:
    """A value outside its list, typed as an officer might: a plan category misspelt,
    or a team or employment type in local words."""
    rng = file.rng
    if file.extract == "cp_plans":
        column, value = "category", ("neglet", "physical abuse", "emotional/neglect")
    elif rng.random() < 0.5:
        column, value = "team_type", ("field work", "LAC team", "duty")
    else:
        column, value = "employment_type", ("locum", "interim", "temp")
    row[file.at[column]] = Raw(value[int(rng.integers(len(value)))])
    return column


def _bad_number(file: FaultyFile, row: list[object], column: str | None) -> str:
    """An FTE written with a decimal comma."""
    column = "fte" if file.extract == "workforce" else "establishment_fte"
    row[file.at[column]] = Raw(f"{float(row[file.at[column]]):.1f}".replace(".", ","))  # type: ignore[arg-type]
    return column


def _out_of_range(file: FaultyFile, row: list[object], column: str | None) -> str:
    """An FTE of nought or above one."""
    row[file.at["fte"]] = 0.0 if file.rng.random() < 0.5 else 1.5
    return "fte"


def _start_before_referral(file: FaultyFile, row: list[object], column: str | None) -> str:
    """An initial assessment started days before the referral it follows."""
    referred: date = row[file.at["referral_date"]]  # type: ignore[assignment]
    row[file.at["start_date"]] = referred - timedelta(days=int(file.rng.integers(1, 10)))
    return "start_date"


def _end_before_start(file: FaultyFile, row: list[object], column: str | None) -> str:
    """An end (or completion) dated days before the start."""
    column = _END_COLUMN[file.extract]
    started: date = row[file.at["start_date"]]  # type: ignore[assignment]
    row[file.at[column]] = started - timedelta(days=int(file.rng.integers(1, 20)))
    return column


def _date_before_1990(file: FaultyFile, row: list[object], column: str | None) -> str:
    """A system's placeholder date of birth, 1 January 1900."""
    row[file.at["date_of_birth"]] = date(1900, 1, 1)
    return "date_of_birth"


def _ragged_row(file: FaultyFile, row: list[object], column: str | None) -> None:
    """A row with a cell too many (a stray comma splits a referral's source) or too few."""
    if file.extract == "referrals":
        source_at = file.at["referral_source"]
        row[source_at : source_at + 1] = [Raw("Police"), Raw(" Kent")]
    else:
        del row[-1]
    return None


# Each corrupts one row in place and returns the column at fault (None: the whole row).
CORRUPTIONS: dict[str, Callable[[FaultyFile, list[object], str | None], str | None]] = {
    "bad_date": _bad_date,
    "date_after_month_end": _date_after_month_end,
    "missing_required": _missing_required,
    "bad_code": _bad_code,
    "bad_number": _bad_number,
    "out_of_range": _out_of_range,
    "start_before_referral": _start_before_referral,
    "end_before_start": _end_before_start,
    "date_before_1990": _date_before_1990,
    "ragged_row": _ragged_row,
}
