"""Shared fixtures for the demo generator's tests: one landing per session.

The reader and validator below are deliberately independent of the generator
(plain ``csv`` and ``openpyxl``, rules re-stated from extracts.md), so that the
manifest and the calibration are checked against the files as a pipeline would
see them, not against the generator's own bookkeeping.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from scorecard_demo import DemoManifest, generate_landing

DATE_FLOOR = date(1990, 1, 1)


def date_floor(column: str, month_end: date) -> date:
    """extracts.md: 1990-01-01, but a date of birth may reach back to 1 January of the
    year 25 years before the reporting month's."""
    return date(month_end.year - 25, 1, 1) if column == "date_of_birth" else DATE_FLOOR


ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
BOOLEANS = {"true": True, "yes": True, "y": True, "1": True}
BOOLEANS.update({"false": False, "no": False, "n": False, "0": False})
TEAM_TYPES = {"fieldwork", "looked_after", "adolescent", "disabled_children", "other"}
CATEGORIES = {"neglect", "physical", "emotional", "sexual", "multiple"}
EMPLOYMENT = {"permanent", "agency"}

# extract -> (column, type, required); types: text, id, date, code:<set>, bool, number
SCHEMAS: dict[str, list[tuple[str, str, bool]]] = {
    "referrals": [
        ("referral_id", "id", True),
        ("child_id", "id", True),
        ("referral_date", "date", True),
        ("referral_source", "text", False),
        ("date_of_birth", "date", False),
    ],
    "initial_assessments": [
        ("assessment_id", "id", True),
        ("child_id", "id", True),
        ("referral_date", "date", True),
        ("start_date", "date", True),
        ("completed_date", "date", False),
    ],
    "core_assessments": [
        ("assessment_id", "id", True),
        ("child_id", "id", True),
        ("start_date", "date", True),
        ("completed_date", "date", False),
    ],
    "cp_plans": [
        ("plan_id", "id", True),
        ("child_id", "id", True),
        ("start_date", "date", True),
        ("end_date", "date", False),
        ("category", "category", True),
    ],
    "looked_after": [
        ("period_id", "id", True),
        ("child_id", "id", True),
        ("start_date", "date", True),
        ("end_date", "date", False),
        ("legal_status", "text", False),
    ],
    "allocations": [
        ("case_id", "id", True),
        ("child_id", "id", True),
        ("case_start_date", "date", True),
        ("worker_id", "id", False),
        ("unallocated_since", "date", False),
    ],
    "workforce": [
        ("worker_id", "id", True),
        ("team_code", "id", True),
        ("team_type", "team_type", True),
        ("case_holding", "bool", True),
        ("employment_type", "employment", True),
        ("fte", "number", True),
    ],
    "establishment": [
        ("team_code", "id", True),
        ("team_type", "team_type", True),
        ("establishment_fte", "number", True),
    ],
}
ORDER_RULES = {  # (later, earlier, kind): later must not be before earlier
    "initial_assessments": [
        ("start_date", "referral_date", "start_before_referral"),
        ("completed_date", "start_date", "end_before_start"),
    ],
    "core_assessments": [("completed_date", "start_date", "end_before_start")],
    "cp_plans": [("end_date", "start_date", "end_before_start")],
    "looked_after": [("end_date", "start_date", "end_before_start")],
    "allocations": [("unallocated_since", "case_start_date", "unallocated_before_start")],
}


def normalise_header(name: object) -> str:
    return re.sub(r"[ \-]", "_", str(name or "").strip().lower())


def month_end(month: str) -> date:
    year, mon = int(month[:4]), int(month[5:])
    nxt = date(year + mon // 12, mon % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


@dataclass
class RawFile:
    header: list[str]  # normalised
    records: list[tuple[int, list[object]]]  # (line number, cells)


def read_raw(path: Path) -> RawFile:
    """Read a landed file the way extracts.md describes, without interpreting cells."""
    if path.suffix.lower() == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [normalise_header(h) for h in next(rows)]
        while header and header[-1] == "":
            header.pop()
        records = []
        for line, row in enumerate(rows, start=2):
            cells = list(row)
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            records.append((line, cells[: len(header)] + [c for c in cells[len(header) :] if c]))
        book.close()
        return RawFile(header, records)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [normalise_header(h) for h in next(reader)]
    records = []
    consumed = reader.line_num
    for cells in reader:
        start = consumed + 1
        consumed = reader.line_num
        if all(not c.strip() for c in cells) and len(cells) <= 1:
            continue
        records.append((start, cells))
    return RawFile(header, records)


def _text(value: object) -> str | None:
    """A cell as trimmed text (None when blank); whole numbers from a workbook as digits."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def parse_date(value: object) -> date | str | None:
    """A date, None when blank, or the string "bad" when it is not a date."""
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else "bad"
    if isinstance(value, date):
        return value
    text = _text(value)
    if text is None:
        return None
    found = ISO.match(text)
    if found:
        y, m, d = (int(g) for g in found.groups())
    else:
        found = UK.match(text)
        if not found:
            return "bad"
        d, m, y = (int(g) for g in found.groups())
    try:
        return date(y, m, d)
    except ValueError:
        return "bad"


def parse_cell(kind: str, value: object) -> tuple[object, str | None]:
    """(parsed value, failure kind or None)."""
    if kind in ("id", "text"):
        return _text(value), None
    if isinstance(value, str):
        return _parse_text(kind, value)
    if kind == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value), None
    if kind == "date":
        parsed = parse_date(value)
        return (None, "bad_date") if parsed == "bad" else (parsed, None)
    return _parse_text(kind, "" if value is None else str(value))


@functools.cache
def _parse_text(kind: str, value: str) -> tuple[object, str | None]:
    """Cached: the same dates, codes and numbers recur hundreds of thousands of times."""
    if kind == "date":
        parsed = parse_date(value)
        return (None, "bad_date") if parsed == "bad" else (parsed, None)
    text = value.strip()
    if not text:
        return None, None
    if kind == "number":
        return (float(text), None) if NUMBER.match(text) else (None, "bad_number")
    lowered = text.lower()
    if kind == "bool":
        return (BOOLEANS[lowered], None) if lowered in BOOLEANS else (None, "bad_code")
    allowed = {"category": CATEGORIES, "team_type": TEAM_TYPES, "employment": EMPLOYMENT}[kind]
    return (lowered, None) if lowered in allowed else (None, "bad_code")


@dataclass
class CheckedFile:
    header: list[str]
    valid: list[tuple[int, dict[str, object]]]  # (line, parsed record)
    failures: set[tuple[int, str | None, str]]  # (line, column, kind)
    data_rows: int


def check_file(path: Path, extract: str, month: str) -> CheckedFile:
    """Apply extracts.md's row rules to every row of one file."""
    raw = read_raw(path)
    schema = SCHEMAS[extract]
    position = {name: i for i, name in enumerate(raw.header)}
    end = month_end(month)
    failures: set[tuple[int, str | None, str]] = set()
    passed: list[tuple[int, dict[str, object]]] = []
    workbook = path.suffix.lower() == ".xlsx"
    width = len(raw.header)
    columns = [(name, kind, required, position.get(name)) for name, kind, required in schema]
    for line, cells in raw.records:
        if not workbook and len(cells) != width:
            failures.add((line, None, "ragged_row"))
            continue
        record: dict[str, object] = {}
        problems: list[tuple[str, str]] = []
        for column, kind, required, at in columns:
            cell = None if at is None else cells[at]
            if column == "unallocated_since" and record["worker_id"] is not None:
                record[column] = None  # ignored, even if malformed, when a worker is given
                continue
            value, failure = parse_cell(kind, cell)
            if failure:
                problems.append((column, failure))
            elif value is None:
                if required or column == "unallocated_since":
                    problems.append((column, "missing_required"))
                record[column] = None
            elif kind == "date" and value < date_floor(column, end):  # type: ignore[operator]
                problems.append((column, "date_before_1990"))
            elif kind == "date" and value > end:  # type: ignore[operator]
                problems.append((column, "date_after_month_end"))
            elif kind == "number" and (
                value <= 0 or value > 1  # type: ignore[operator]
                if column == "fte"
                else value < 0  # type: ignore[operator]
            ):
                problems.append((column, "out_of_range"))
            else:
                record[column] = value
        if not problems:
            for later, earlier, kind in ORDER_RULES.get(extract, []):
                a, b = record.get(later), record.get(earlier)
                if a is not None and b is not None and a < b:  # type: ignore[operator]
                    problems.append((later, kind))
        for column, kind in problems:
            failures.add((line, column, kind))
        if not problems:
            passed.append((line, record))

    # Rows that repeat an id: identical parsed values are one record, else all rejected.
    id_column = schema[0][0]
    by_id: dict[object, list[tuple[int, dict[str, object]]]] = {}
    for line, record in passed:
        by_id.setdefault(record[id_column], []).append((line, record))
    valid: list[tuple[int, dict[str, object]]] = []
    for group in by_id.values():
        if all(record == group[0][1] for _, record in group):
            valid.append(group[0])
        else:
            failures.update((line, id_column, "conflicting_duplicate") for line, _ in group)
    valid.sort(key=lambda item: item[0])
    return CheckedFile(raw.header, valid, failures, len(raw.records))


@dataclass
class Twin:
    """The same landing generated by another process, under another hash seed."""

    root: Path
    process: subprocess.Popen[str]


@dataclass
class Landing:
    manifest: DemoManifest
    root: Path
    seconds: float  # CPU seconds generate_landing took
    checked: dict[str, CheckedFile]  # by relative path, every landed file except the rejected
    twin: Twin


TWIN_SCRIPT = (
    "import sys; from pathlib import Path; from scorecard_demo import generate_landing; "
    "m = generate_landing(Path(sys.argv[1])); print(repr((m.files, m.bad_rows, m.quirks)))"
)


@pytest.fixture(scope="session")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Landing]:
    base = tmp_path_factory.mktemp("demo")
    # Started first so it runs alongside this process's own generation.
    twin = Twin(
        base / "twin",
        subprocess.Popen(
            [sys.executable, "-c", TWIN_SCRIPT, str(base / "twin")],
            env={**os.environ, "PYTHONHASHSEED": "4242"},
            cwd=Path(__file__).resolve().parents[2],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ),
    )
    root = base / "landing"
    started = time.process_time()  # CPU time: a busy shared machine must not fail the test
    manifest = generate_landing(root)
    seconds = time.process_time() - started
    rejected = {r.path for r in manifest.rejected_files}
    checked = {
        f.path: check_file(root / f.path, f.extract, f.reporting_month)
        for f in manifest.files
        if f.path not in rejected
    }
    yield Landing(manifest, root, seconds, checked, twin)
    if twin.process.poll() is None:
        twin.process.kill()
        twin.process.wait()


def walk(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path
