"""Reading one landed file into a table of text cells, as extracts.md describes.

This is the only place that knows about encodings, CSV quoting, workbooks and
header spelling. It hands the contracts a frame of trimmed text cells (blank =
null) indexed by the physical line (or sheet row) each record starts on, so a
district officer can find every rejected row. What cannot be read at all raises
``FileRejected`` with one reason for the audit.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time

import numpy as np
import pandas as pd
from numpy import format_float_positional

from contracts.fields import TEXT


class FileRejected(Exception):
    """The whole file is rejected; ``str(exc)`` is the reason recorded in the audit."""


@dataclass(frozen=True)
class Table:
    """A readable file: its text cells and the rows whose shape did not fit the header."""

    cells: pd.DataFrame  # Arrow strings, blank = NA; index: line number; columns: header names
    ragged: pd.DataFrame  # line_number, field_count, header_count
    rows_read: int


@dataclass(frozen=True)
class Cells:
    """Several files of one extract: their cells and ragged rows, keyed by file number."""

    cells: pd.DataFrame  # index: (file, line_number)
    ragged: pd.DataFrame  # file, line_number, field_count, header_count
    rows_read: list[int]  # by file
    columns: list[set[str]]  # by file: the named columns its header has


_HEADER_SEPARATORS = re.compile(r"[ \-]")


def normalise_header(name: object) -> str:
    """`Referral Date`, `referral-date` and ` REFERRAL_DATE ` all become `referral_date`."""
    return _HEADER_SEPARATORS.sub("_", str(name if name is not None else "").strip().lower())


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) or, failing that, Windows-1252 as saved by Excel."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            "the file is neither UTF-8 nor Windows-1252 text "
            f"(undecodable byte at position {exc.start})"
        ) from None


@dataclass(frozen=True)
class Parsed:
    """A readable file's header and rows, before they become cells."""

    header: list[str]  # normalised names; blank for an unnamed column
    lines: list[int]  # the line (sheet row) each body row starts on
    rows: list[list[str | None]]
    pad_short: bool  # a sheet row drops its trailing empty cells; a CSV row may not


def parse(name: str, data: bytes) -> Parsed:
    """Parse the bytes of a landed .csv or .xlsx file called ``name``."""
    if not data:
        raise FileRejected("the file is empty (0 bytes)")
    if name.lower().endswith(".xlsx"):
        return _parsed(*_xlsx_records(data), pad_short=True)
    return _parsed(*_csv_records(data), pad_short=False)


def read_table(name: str, data: bytes) -> Table:
    """One landed file as a table of text cells (see ``tables`` for many at once)."""
    return tables([parse(name, data)])[0]


def _csv_records(data: bytes) -> tuple[list[int], list[list[str]]]:
    """Records of an RFC 4180 file with the physical line each one starts on.

    The stdlib reader tokenises in C; the loop only notes where each record starts
    (``line_num`` is the line a record ends on, so the next one starts after it).
    Empty and white-space-only lines are skipped; ``,,,`` is a row of blank cells.
    """
    reader = csv.reader(io.StringIO(decode(data), newline=""), strict=False)
    lines: list[int] = []
    records: list[list[str]] = []
    start = 1
    try:
        for record in reader:
            if len(record) > 1 or (record and record[0].strip()):
                lines.append(start)
                records.append(record)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileRejected(f"the CSV cannot be read at line {start}: {exc}") from None
    return lines, records


def _xlsx_records(data: bytes) -> tuple[list[int], list[list[str | None]]]:
    """Rows of the first sheet as text, numbered as on the sheet."""
    from openpyxl import load_workbook  # deferred: only workbooks pay for the import

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt file
        raise FileRejected(f"the workbook cannot be read ({type(exc).__name__})") from None
    try:
        sheet = workbook.worksheets[0]
        lines: list[int] = []
        records: list[list[str | None]] = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_xlsx_cell_text(value) for value in row]
            while cells and (cells[-1] is None or not cells[-1].strip()):
                cells.pop()  # a sheet's rows are padded to its widest row
            if cells:
                lines.append(number)
                records.append(cells)
    except Exception as exc:
        raise FileRejected(f"the workbook cannot be read ({type(exc).__name__})") from None
    finally:
        workbook.close()
    return lines, records


def _xlsx_cell_text(value: object) -> str | None:
    """A cell as the text a CSV export would hold.

    A whole number stored as a number is its digits (12345.0 -> 12345); a real
    Excel date is ISO; a date-time with a time of day keeps it, so the date check
    rejects it rather than silently dropping the time.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # positional, never repr's exponent: 1e-05 would fail the '.'-decimal number rule
        return str(int(value)) if value.is_integer() else format_float_positional(value, trim="-")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _parsed(lines: list[int], records: list[list[str | None]], *, pad_short: bool) -> Parsed:
    if not records:
        raise FileRejected("the file has no header row")
    header = [normalise_header(name) for name in records[0]]
    named = [name for name in header if name]
    duplicates = sorted({name for name in named if named.count(name) > 1})
    if duplicates:
        raise FileRejected(
            f"the header names column {', '.join(duplicates)} more than once (after "
            "ignoring case, spaces, hyphens and underscores)"
        )
    return Parsed(header, lines[1:], records[1:], pad_short)


def cells_of(parsed_files: list[Parsed], columns: list[str] | None = None) -> Cells:
    """Many files' rows as one frame of text cells, indexed by (file, line_number).

    Built in one go because a month's files share an extract: the work per file is
    a frame's construction, and stripping and blanking run once over them all.
    A row whose field count does not fit its header is ragged: a CSV row must have
    exactly the header's number of fields; a sheet row may be shorter, never longer.
    ``columns`` keeps only those (the contract's), else every named column.
    """
    frames, ragged, rows_read, named = [], [], [], []
    for number, parsed in enumerate(parsed_files):
        width = len(parsed.header)
        counts = np.fromiter(
            (len(row) for row in parsed.rows), dtype=np.int64, count=len(parsed.rows)
        )
        fits = counts <= width if parsed.pad_short else counts == width
        body = pd.DataFrame(parsed.rows, index=parsed.lines, dtype=object)
        body = body.loc[fits].reindex(columns=range(width))
        body.columns = parsed.header
        wanted = [name for name in parsed.header if name and (columns is None or name in columns)]
        frames.append(body[wanted])
        lines = np.asarray(parsed.lines, dtype=np.int64)
        ragged.append(
            pd.DataFrame(
                {
                    "file": number,
                    "line_number": lines[~fits],
                    "field_count": counts[~fits],
                    "header_count": width,
                }
            )
        )
        rows_read.append(len(parsed.rows))
        named.append({name for name in parsed.header if name})
    # files without rows add nothing but a deprecation warning to the concatenation
    kept = [number for number, frame in enumerate(frames) if len(frame)] or [0]
    every_column = list(dict.fromkeys(name for frame in frames for name in frame.columns))
    cells = pd.concat(
        [frames[number] for number in kept], keys=kept, names=["file", "line_number"]
    ).reindex(columns=every_column)
    stripped = cells.astype(TEXT).apply(lambda column: column.str.strip())
    return Cells(
        cells=stripped.mask(stripped.eq("")),
        ragged=pd.concat(ragged, ignore_index=True),
        rows_read=rows_read,
        columns=named,
    )


def tables(parsed_files: list[Parsed]) -> list[Table]:
    """Each file's cells on their own (for callers that judge one file)."""
    batch = cells_of(parsed_files)
    return [
        Table(
            cells=batch.cells[batch.cells.index.get_level_values("file") == number].droplevel(
                "file"
            )[[name for name in parsed.header if name]],
            ragged=batch.ragged[batch.ragged["file"] == number].drop(columns="file"),
            rows_read=batch.rows_read[number],
        )
        for number, parsed in enumerate(parsed_files)
    ]
