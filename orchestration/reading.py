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

import pandas as pd
from numpy import format_float_positional


class FileRejected(Exception):
    """The whole file is rejected; ``str(exc)`` is the reason recorded in the audit."""


@dataclass(frozen=True)
class Table:
    """A readable file: its text cells and the rows whose shape did not fit the header."""

    cells: pd.DataFrame  # index: line number; columns: normalised header names
    ragged: pd.DataFrame  # line_number, field_count, header_count
    rows_read: int


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


def read_table(name: str, data: bytes) -> Table:
    """Read the bytes of a landed .csv or .xlsx file called ``name``."""
    if not data:
        raise FileRejected("the file is empty (0 bytes)")
    if name.lower().endswith(".xlsx"):
        return _to_table(*_xlsx_records(data), pad_short=True)
    return _to_table(*_csv_records(data), pad_short=False)


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


def _to_table(lines: list[int], records: list[list[str | None]], *, pad_short: bool) -> Table:
    """Header and body as text cells; a row whose field count does not fit is ragged.

    A CSV row must have exactly the header's number of fields. A sheet row drops its
    trailing empty cells, so it may be shorter, never longer.
    """
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
    width = len(header)
    body = pd.DataFrame(records[1:], index=pd.Index(lines[1:], name="line_number"), dtype=object)
    counts = pd.Series([len(record) for record in records[1:]], index=body.index, dtype="int64")
    fits = counts.le(width) if pad_short else counts.eq(width)
    cells = body.loc[fits.to_numpy()].reindex(columns=range(width))
    cells.columns = header
    cells = cells.loc[:, [bool(name) for name in header]]
    stripped = cells.apply(lambda column: column.astype("string").str.strip()).astype(object)
    cells = stripped.where(stripped.notna() & stripped.ne(""), None)
    ragged = pd.DataFrame(
        {
            "line_number": counts.index[~fits.to_numpy()],
            "field_count": counts[~fits].to_numpy(),
            "header_count": width,
        }
    )
    return Table(cells=cells, ragged=ragged, rows_read=len(counts))
