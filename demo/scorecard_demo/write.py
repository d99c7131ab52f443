"""Spelling rows into bytes: CSV in a district's house style, or a workbook.

Every writer returns the line number (CSV: the physical line a record starts
on, header = 1; workbook: the sheet row) of each data row, computed while
writing, so the manifest can point at a row exactly as a district officer would
find it. Workbooks are written byte-for-byte reproducibly: fixed document
timestamps and fixed zip entry times.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

FIXED_TIMESTAMP = datetime(2012, 4, 2, 9, 0, 0)
_ZIP_TIME = (2012, 4, 2, 9, 0, 0)


class Raw(str):
    """A cell written exactly as given: a deliberate fault or a house quirk."""


@dataclass(frozen=True)
class FileStyle:
    """How one district's system spells an extract."""

    file_format: str = "csv"  # csv | xlsx
    encoding: str = "utf-8"  # utf-8 | utf-8-sig (with BOM) | cp1252 (Excel "CSV")
    newline: str = "\n"  # "\n" | "\r\n"
    date_style: str = "iso"  # iso | uk (4/3/2011) | uk_padded (04/03/2011)
    header_style: str = "snake"  # snake | title (Referral Date) | upper_hyphen | sentence
    booleans: tuple[str, str] = ("true", "false")
    leading_dot: bool = False  # numbers below one written as .5
    extra_column: str | None = None

    def describe(self) -> str:
        parts = [self.file_format]
        if self.file_format == "csv":
            parts += [self.encoding, "crlf" if self.newline == "\r\n" else "lf", self.date_style]
        if self.header_style != "snake":
            parts.append(f"headers:{self.header_style}")
        if self.extra_column:
            parts.append(f"extra:{self.extra_column}")
        return " ".join(parts)


def header_text(column: str, style: str) -> str:
    """A canonical column name as a district's export spells it."""
    words = column.split("_")
    if style == "title":
        return " ".join(
            word.upper() if word in ("id", "fte", "cp") else word.capitalize() for word in words
        )
    if style == "upper_hyphen":
        return "-".join(word.upper() for word in words)
    if style == "sentence":
        return " ".join(words).capitalize()
    return column


def format_date(value: date, style: str) -> str:
    if style == "uk":
        return f"{value.day}/{value.month}/{value.year}"
    if style == "uk_padded":
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    return value.isoformat()


def format_number(value: float, leading_dot: bool) -> str:
    text = f"{value:g}"
    if leading_dot and text.startswith("0."):
        return text[1:]
    return text


def _csv_cells(row: Sequence[object], style: FileStyle, cache: dict[date, str]) -> list[str]:
    cells = []
    for value in row:
        kind = type(value)
        if value is None:
            cells.append("")
        elif kind is str or kind is Raw:
            cells.append(value)  # type: ignore[arg-type]
        elif kind is date:
            text = cache.get(value)  # type: ignore[arg-type]
            if text is None:
                text = cache[value] = format_date(value, style.date_style)  # type: ignore[arg-type,index]
            cells.append(text)
        elif kind is bool:
            cells.append(style.booleans[0] if value else style.booleans[1])
        else:
            cells.append(format_number(float(value), style.leading_dot))  # type: ignore[arg-type]
    return cells


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    style: FileStyle,
    blank_before: frozenset[int] = frozenset(),
    trailing_blank: bool = False,
) -> list[int]:
    """Write a CSV; returns the physical line each data row starts on (header = 1)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=style.newline)
    writer.writerow(header)
    cache: dict[date, str] = {}
    line = 2
    lines = []
    for index, row in enumerate(rows):
        if index in blank_before:
            buffer.write(style.newline)  # an empty line: skipped by readers, but counted
            line += 1
        cells = _csv_cells(row, style, cache)
        writer.writerow(cells)
        lines.append(line)
        line += 1 + sum(cell.count("\n") for cell in cells if "\n" in cell)
    if trailing_blank:
        buffer.write("   " + style.newline)
    path.write_bytes(buffer.getvalue().encode(style.encoding))
    return lines


def _xlsx_cell(value: object, column: str, style: FileStyle) -> object:
    if value is None:
        return None
    if type(value) is Raw:
        return str(value)
    if type(value) is bool:
        return style.booleans[0] if value else style.booleans[1]
    if type(value) is str and column.endswith("_id") and value.isdigit():
        return int(value)  # numeric ids, as a spreadsheet stores them
    return value


def write_xlsx(
    path: Path,
    header: Sequence[str],
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    style: FileStyle,
    title: str,
) -> list[int]:
    """Write a one-sheet workbook (header in row 1); returns each data row's sheet row."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(header))
    names = list(columns) + [""] * 4
    for row in rows:
        sheet.append([_xlsx_cell(value, names[i], style) for i, value in enumerate(row)])
    for column_cells in sheet.iter_cols(min_row=2):
        for cell in column_cells:
            if isinstance(cell.value, date):
                cell.number_format = "dd/mm/yyyy"
    book.properties.creator = "Integrated Children's System export"
    book.properties.lastModifiedBy = "Performance team"
    book.properties.created = FIXED_TIMESTAMP
    book.properties.modified = FIXED_TIMESTAMP
    path.write_bytes(_reproducible_xlsx(book))
    return list(range(2, len(rows) + 2))


def _reproducible_xlsx(book: Workbook) -> bytes:
    """Save without openpyxl stamping the clock into the document or the zip entries."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    fixed = io.BytesIO()
    with (
        zipfile.ZipFile(raw) as source,
        zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            entry.create_system = 3
            target.writestr(entry, source.read(info.filename))
    return fixed.getvalue()
