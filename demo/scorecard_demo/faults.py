"""Deliberate faults and harmless oddities, each recorded for the manifest.

Bad rows are a few per month across the county, of the kinds a district
officer would recognise (an impossible date, a blank child_id, a plan category
mistyped, a row with a stray comma). Event records behind a bad row are sent
again, correctly, the next month, as districts do once told, so the restated
figures are untouched; and no fault is injected in December 2011, whose county
figures should match the committee report. Exactly one file is broken whole,
and some junk sits in the landing for the pipeline to ignore.

Valid oddities are planned here too (a header-only file, duplicates that parse
identically, a quoted field spanning lines, blank lines) because they move line
numbers or counts, which is exactly what the pipeline must get right.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from .records import CP_CATEGORIES, REFERRAL_SOURCES
from .submissions import EVENT_EXTRACTS, EXTRACT_COLUMNS
from .write import Raw, format_date

HEADLINE_MONTH = "2011-12"  # the committee report's month: kept clean

# Kinds cycle so that every one appears in a two-year landing.
_CYCLE: tuple[tuple[str, str], ...] = (
    ("bad_date", "referrals"),
    ("missing_required", "initial_assessments"),
    ("start_before_referral", "initial_assessments"),
    ("bad_code", "cp_plans"),
    ("conflicting_duplicate", "referrals"),
    ("date_after_month_end", "initial_assessments"),
    ("ragged_row", "referrals"),
    ("end_before_start", "core_assessments"),
    ("bad_number", "workforce"),
    ("date_before_1990", "referrals"),
    ("missing_required", "allocations"),
    ("bad_date", "looked_after"),
    ("bad_code", "workforce"),
    ("end_before_start", "cp_plans"),
    ("conflicting_duplicate", "allocations"),
    ("bad_date", "initial_assessments"),
    ("missing_required", "referrals"),
    ("out_of_range", "workforce"),
    ("end_before_start", "looked_after"),
    ("date_after_month_end", "referrals"),
    ("bad_date", "core_assessments"),
    ("conflicting_duplicate", "initial_assessments"),
    ("bad_number", "establishment"),
    ("missing_required", "cp_plans"),
    ("ragged_row", "allocations"),
    ("date_after_month_end", "cp_plans"),
)

FileKey = tuple[str, str, str]  # (month, district, extract)


@dataclass
class FaultPlan:
    """Which file gets what; decided before any file is written."""

    bad_rows: dict[FileKey, list[str]] = field(default_factory=dict)
    broken: tuple[FileKey, str] | None = None  # the file and the required column it lacks
    header_only: FileKey | None = None
    identical_duplicate: FileKey | None = None
    reformatted_duplicate: FileKey | None = None
    multiline: FileKey | None = None
    blank_line: FileKey | None = None
    trailing_blank: FileKey | None = None
    copy_of: FileKey | None = None  # landed again as "referrals (1).csv"
    lock_file: FileKey | None = None  # "~$workforce.xlsx" beside a workbook


def plan_faults(
    months: list[str],
    codes: list[str],
    is_workbook: dict[FileKey, bool],
    rng: np.random.Generator,
) -> FaultPlan:
    """Spread faults over every month but the headline month and the last one."""
    plan = FaultPlan()
    eligible = [m for m in months[:-1] if m != HEADLINE_MONTH]
    if not eligible or not codes:
        return plan

    def pick(position: float) -> str:
        return eligible[min(len(eligible) - 1, int(position * len(eligible)))]

    def prefer(code: str) -> str:
        return code if code in codes else codes[-1]

    plan.broken = ((pick(0.6), prefer("TUN"), "core_assessments"), "start_date")
    plan.header_only = (pick(0.15), prefer("SEV"), "looked_after")
    plan.identical_duplicate = (pick(0.3), prefer("CAN"), "initial_assessments")
    plan.reformatted_duplicate = (pick(0.45), prefer("MAI"), "referrals")
    plan.multiline = (pick(0.2), prefer("GRA"), "referrals")
    plan.blank_line = (pick(0.5), prefer("TON"), "allocations")
    plan.trailing_blank = (pick(0.05), prefer("DAR"), "workforce")
    plan.copy_of = (pick(0.4), prefer("ASH"), "referrals")
    plan.lock_file = (pick(0.7), prefer("DOV"), "workforce")
    whole_file = {plan.broken[0], plan.header_only}

    def add(key: FileKey, kind: str) -> None:
        if key not in whole_file:  # a file rejected whole has no row errors to report
            plan.bad_rows.setdefault(key, []).append(kind)

    # Files with a quirk that moves line numbers get a bad row after it.
    add(plan.multiline, "bad_date")
    add(plan.blank_line, "missing_required")
    workbook_months = [m for m in eligible if is_workbook.get((m, prefer("SHE"), "referrals"))]
    if workbook_months:
        add((workbook_months[len(workbook_months) // 2], prefer("SHE"), "referrals"), "bad_date")

    step = 0
    for month in eligible:
        for _ in range(3 + int(rng.integers(0, 3))):
            kind, extract = _CYCLE[step % len(_CYCLE)]
            step += 1
            for _attempt in range(20):
                code = codes[int(rng.integers(len(codes)))]
                key = (month, code, extract)
                if key in whole_file:
                    continue
                if kind == "ragged_row" and is_workbook.get(key):
                    continue
                add(key, kind)
                break
    return plan


@dataclass
class Injected:
    """A bad row as written: the row object, the column at fault, the kind."""

    row: list[object]
    column: str | None
    kind: str


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
class _FaultyFile:
    """What a corruption needs to know about the file it writes into."""

    extract: str
    at: dict[str, int]  # column name -> position in a row
    end: date  # the reporting month's last day
    workbook: bool
    rng: np.random.Generator


def inject(
    kinds: list[str],
    extract: str,
    rows: list[list[object]],
    records: list[int | None],
    end: date,
    workbook: bool,
    rng: np.random.Generator,
) -> tuple[list[Injected], set[int]]:
    """Corrupt rows in place (inserting duplicates); returns the bad rows and records to resend.

    Kinds are applied in the order given, each drawing from ``rng`` as it goes, so the
    same plan corrupts the same rows the same way.
    """
    columns = EXTRACT_COLUMNS[extract]
    file = _FaultyFile(extract, {name: i for i, name in enumerate(columns)}, end, workbook, rng)
    touched: set[int] = set()
    injected: list[Injected] = []
    resend: set[int] = set()
    for kind in kinds:
        if kind == "ragged_row" and workbook:
            kind = "bad_date"  # a workbook's cells cannot be ragged
        index, column = _pick_row(kind, file, rows, touched)
        if index is None:
            continue
        row = rows[index]
        touched.add(id(row))
        if records[index] is not None:
            resend.add(records[index])  # type: ignore[arg-type]
        if kind == "conflicting_duplicate":
            column = columns[0]
            twin = _conflicting_copy(extract, row, rows, file.at, rng)
            rows.insert(index + 1, twin)
            records.insert(index + 1, records[index])
            touched.add(id(twin))
            injected.append(Injected(twin, column, kind))
        elif kind in _CORRUPTIONS:
            column = _CORRUPTIONS[kind](file, row, column)
        else:  # pragma: no cover - a kind added to the cycle without an implementation
            raise ValueError(kind)
        injected.append(Injected(row, column, kind))
    return injected, resend


def _pick_row(
    kind: str, file: _FaultyFile, rows: list[list[object]], touched: set[int]
) -> tuple[int | None, str | None]:
    """The row to corrupt (None if there is none to take), and for a blank allocation
    the column to blank.

    An unallocated case is preferred for a blank in allocations, so that the blank is
    its required ``unallocated_since``; a conflicting allocation needs an allocated case
    to give another worker.
    """
    at = file.at
    if kind == "missing_required" and file.extract == "allocations":
        index = _target(rows, touched, file.rng, lambda row: row[at["worker_id"]] is None)
        column = "unallocated_since" if index is not None else "case_start_date"
        if index is None:
            index = _target(rows, touched, file.rng)
        return index, column
    if kind == "conflicting_duplicate" and file.extract == "allocations":
        return _target(rows, touched, file.rng, lambda row: row[at["worker_id"]] is not None), None
    return _target(rows, touched, file.rng), None


def _target(
    rows: list[list[object]],
    touched: set[int],
    rng: np.random.Generator,
    condition: Callable[[list[object]], bool] = lambda row: True,
) -> int | None:
    """A random row, not yet corrupted, from the file's second half: after the quirks
    that move line numbers (a multi-line field a quarter in, a blank line a third in), so
    the line a bad row is reported at proves the pipeline counted them."""
    start = len(rows) // 2
    candidates = [
        i for i in range(start, len(rows)) if id(rows[i]) not in touched and condition(rows[i])
    ]
    if not candidates:
        return None
    return candidates[int(rng.integers(len(candidates)))]


def _bad_date(file: _FaultyFile, row: list[object], column: str | None) -> str:
    """A date a contract cannot read: two-digit year, dots, a month name, a day the month
    does not have, or "TBC"."""
    column = _BAD_DATE_COLUMN[file.extract]
    row[file.at[column]] = Raw(_bad_date_text(row[file.at[column]], file.rng))  # type: ignore[arg-type]
    return column


def _date_after_month_end(file: _FaultyFile, row: list[object], column: str | None) -> str:
    """A date a year after the month the file reports: the year mistyped."""
    column = _LATE_COLUMN[file.extract]
    end = file.end
    current = row[file.at[column]] or end
    row[file.at[column]] = date(end.year + 1, current.month, min(current.day, 28))  # type: ignore[union-attr]
    return column


def _missing_required(file: _FaultyFile, row: list[object], column: str | None) -> str:
    """A required cell left blank, or (in a CSV) holding only spaces."""
    column = column or _REQUIRED_COLUMN[file.extract]
    row[file.at[column]] = None if file.workbook or file.rng.random() < 0.6 else Raw("  ")
    return column


def _bad_code(file: _FaultyFile, row: list[object], column: str | None) -> str:
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


def _bad_number(file: _FaultyFile, row: list[object], column: str | None) -> str:
    """An FTE written with a decimal comma."""
    column = "fte" if file.extract == "workforce" else "establishment_fte"
    row[file.at[column]] = Raw(f"{float(row[file.at[column]]):.1f}".replace(".", ","))  # type: ignore[arg-type]
    return column


def _out_of_range(file: _FaultyFile, row: list[object], column: str | None) -> str:
    """An FTE of nought or above one."""
    row[file.at["fte"]] = 0.0 if file.rng.random() < 0.5 else 1.5
    return "fte"


def _start_before_referral(file: _FaultyFile, row: list[object], column: str | None) -> str:
    """An initial assessment started days before the referral it follows."""
    referred: date = row[file.at["referral_date"]]  # type: ignore[assignment]
    row[file.at["start_date"]] = referred - timedelta(days=int(file.rng.integers(1, 10)))
    return "start_date"


def _end_before_start(file: _FaultyFile, row: list[object], column: str | None) -> str:
    """An end (or completion) dated days before the start."""
    column = _END_COLUMN[file.extract]
    started: date = row[file.at["start_date"]]  # type: ignore[assignment]
    row[file.at[column]] = started - timedelta(days=int(file.rng.integers(1, 20)))
    return column


def _date_before_1990(file: _FaultyFile, row: list[object], column: str | None) -> str:
    """A system's placeholder date of birth, 1 January 1900."""
    row[file.at["date_of_birth"]] = date(1900, 1, 1)
    return "date_of_birth"


def _ragged_row(file: _FaultyFile, row: list[object], column: str | None) -> None:
    """A row with a cell too many (a stray comma splits a referral's source) or too few."""
    if file.extract == "referrals":
        source_at = file.at["referral_source"]
        row[source_at : source_at + 1] = [Raw("Police"), Raw(" Kent")]
    else:
        del row[-1]
    return None


# Each corrupts one row in place and returns the column at fault (None: the whole row).
_CORRUPTIONS: dict[str, Callable[[_FaultyFile, list[object], str | None], str | None]] = {
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


def _conflicting_copy(
    extract: str,
    row: list[object],
    rows: list[list[object]],
    at: dict[str, int],
    rng: np.random.Generator,
) -> list[object]:
    """The same id keyed again with one value different (and still valid)."""
    twin = list(row)
    if extract == "referrals":
        current = row[at["referral_source"]]
        others = [s for s in REFERRAL_SOURCES if s != current]
        twin[at["referral_source"]] = others[int(rng.integers(len(others)))]
    elif extract == "cp_plans":
        others = [c for c in CP_CATEGORIES if c != row[at["category"]]]
        twin[at["category"]] = others[int(rng.integers(len(others)))]
    elif extract == "allocations":
        workers = sorted({str(r[at["worker_id"]]) for r in rows if r[at["worker_id"]]})
        others = [w for w in workers if w != row[at["worker_id"]]]
        twin[at["worker_id"]] = others[int(rng.integers(len(others)))]
    elif extract in ("workforce", "establishment"):
        name = "fte" if extract == "workforce" else "establishment_fte"
        twin[at[name]] = 0.5 if row[at[name]] == 1.0 else 1.0
    else:  # assessments and care periods: keyed against another child
        children = sorted({str(r[at["child_id"]]) for r in rows})
        others = [c for c in children if c != row[at["child_id"]]]
        twin[at["child_id"]] = others[int(rng.integers(len(others)))]
    return twin


def reformatted(row: list[object], date_style: str) -> list[object]:
    """The same row with its dates spelt the other way: identical once parsed."""
    other = "uk" if date_style == "iso" else "iso"
    return [Raw(format_date(v, other)) if isinstance(v, date) else v for v in row]


def is_event(extract: str) -> bool:
    return extract in EVENT_EXTRACTS
