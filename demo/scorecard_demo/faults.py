"""Deliberate faults and harmless oddities, each recorded for the manifest.

Bad rows are a few per month across the county (more in a larger one), of the
kinds a district officer would recognise (an impossible date, a blank child_id, a
plan category mistyped, a row with a stray comma). Event records behind a bad row are sent
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
from datetime import date

import numpy as np

from .corruptions import CORRUPTIONS, FaultyFile
from .districts import per_county
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
    stand_in: dict[str, str],
    is_workbook: dict[FileKey, bool],
    rng: np.random.Generator,
) -> FaultPlan:
    """Spread faults over every month but the headline month and the last one.

    A fault meant for a Kent district goes to ``stand_in[kent_code]`` (the district
    itself in Kent, the first modelled on it in a made-up county), else to the last.
    """
    plan = FaultPlan()
    eligible = [m for m in months[:-1] if m != HEADLINE_MONTH]
    if not eligible or not codes:
        return plan

    def pick(position: float) -> str:
        return eligible[min(len(eligible) - 1, int(position * len(eligible)))]

    def prefer(code: str) -> str:
        return stand_in.get(code, codes[-1])

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
        for _ in range(per_county(3 + int(rng.integers(0, 3)), len(codes))):
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
    file = FaultyFile(extract, {name: i for i, name in enumerate(columns)}, end, workbook, rng)
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
        elif kind in CORRUPTIONS:
            column = CORRUPTIONS[kind](file, row, column)
        else:  # pragma: no cover - a kind added to the cycle without an implementation
            raise ValueError(kind)
        injected.append(Injected(row, column, kind))
    return injected, resend


def _pick_row(
    kind: str, file: FaultyFile, rows: list[list[object]], touched: set[int]
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
