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
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy import format_float_positional

from contracts.fields import TEXT
from orchestration.settings import Limits

if TYPE_CHECKING:
    from collections.abc import Iterator


class FileRejected(Exception):
    """The whole file is rejected; ``str(exc)`` is the reason recorded in the audit."""


@dataclass(frozen=True)
class Table:
    """A readable file: its text cells and the rows whose shape did not fit the header."""

    cells: pd.DataFrame  # Arrow strings, blank = NA; index: line number; columns: header names
    ragged: pd.DataFrame  # line_number, field_count, header_count
    rows_read: int
    problems: pd.DataFrame  # line_number, column_name, reason, field_count


@dataclass(frozen=True)
class Cells:
    """Several files of one extract: their cells and ragged rows, keyed by file number."""

    cells: pd.DataFrame  # index: (file, line_number)
    ragged: pd.DataFrame  # file, line_number, field_count, header_count
    rows_read: list[int]  # by file
    columns: list[set[str]]  # by file: the named columns its header has
    # rows with a cell that cannot be read as data (a formula saved without its value):
    # file, line_number, column_name, reason, field_count
    problems: pd.DataFrame


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
    # (line, position) of each cell holding a formula saved without its value
    unsaved: list[tuple[int, int]] = field(default_factory=list)


def parse(name: str, data: bytes, limits: Limits | None = None) -> Parsed:
    """Parse the bytes of a landed .csv or .xlsx file called ``name``.

    ``limits`` (by default from the environment) bound what one file may cost: past
    any of them the file is rejected whole, before the costly part of reading it.
    """
    limits = limits or Limits.resolve()
    if not data:
        raise FileRejected("the file is empty (0 bytes)")
    check_file_size(len(data), limits)
    if name.lower().endswith(".xlsx"):
        lines, records, unsaved = _xlsx_records(data, limits)
        return _parsed(lines, records, pad_short=True, unsaved=unsaved)
    _check_csv_length(data, limits)
    lines, records = _csv_records(data)
    _check_csv_shape(lines, records, limits)
    return _parsed(lines, records, pad_short=False)


def read_table(name: str, data: bytes, limits: Limits | None = None) -> Table:
    """One landed file as a table of text cells (see ``tables`` for many at once)."""
    return tables([parse(name, data, limits)])[0]


_MB = 1024 * 1024


def _megabytes(size: float) -> str:
    """1.2, 326.4; a size under a tenth of a MB keeps three digits, to differ from its limit."""
    return f"{size:,.1f}" if size >= 0.1 else f"{size:.3g}"


def _limit(megabytes: float) -> str:
    return f"{megabytes:,g}"


def check_file_size(size: int, limits: Limits) -> None:
    """A file past the size limit is rejected before it is read (ingest checks on disk)."""
    if size > limits.max_file_bytes:
        raise FileRejected(
            f"the file is {_megabytes(size / _MB)} MB, more than the "
            f"{_limit(limits.max_file_mb)} MB a file may be (SCORECARD_MAX_FILE_MB)"
        )


def _check_csv_length(data: bytes, limits: Limits) -> None:
    """The row limit counts a CSV's lines as an editor does, header and blank lines too.

    Counted on the bytes, before parsing: 20 MB of bare commas is 10 million rows and
    would take 2 GB to parse. A line ends at LF, CRLF or CR, so there are at least as
    many lines as there are of either.
    """
    ends = max(data.count(b"\n"), data.count(b"\r"))
    if ends + (not data.endswith((b"\n", b"\r"))) > limits.max_rows:
        raise _too_many_lines(limits)


def _too_many_lines(limits: Limits) -> FileRejected:
    return FileRejected(
        f"the file has more than {limits.max_rows:,} lines, the most a file may have "
        "(SCORECARD_MAX_ROWS)"
    )


def _check_csv_shape(lines: list[int], records: list[list[str]], limits: Limits) -> None:
    """The row and column limits, before the rows become a frame as wide as the widest."""
    if records and lines[-1] > limits.max_rows:  # line ends mixed past the count's reach
        raise _too_many_lines(limits)
    counts = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
    if len(counts) and counts.max() > limits.max_columns:
        widest = int(counts.argmax())
        raise FileRejected(
            f"line {lines[widest]} has {counts[widest]:,} fields, more than the "
            f"{limits.max_columns:,} columns a file may have (SCORECARD_MAX_COLUMNS)"
        )


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


def _xlsx_records(
    data: bytes, limits: Limits
) -> tuple[list[int], list[list[str | None]], list[tuple[int, int]]]:
    """Rows of the first sheet as text, numbered as on the sheet, and unsaved formulas.

    The sheet is streamed as its XML holds it: the dimension it claims is ignored and
    empty rows and cells are never made up, so one far cell costs nothing (openpyxl's
    own row iterator pads every gap up to it). The limits stop a sheet as soon as it
    passes one.
    """
    from openpyxl import load_workbook  # deferred: only workbooks pay for the import
    from openpyxl.utils import get_column_letter

    _check_unpacked_size(data, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt file
        raise FileRejected(f"the workbook cannot be read ({type(exc).__name__})") from None
    lines: list[int] = []
    records: list[list[str | None]] = []
    unsaved: list[tuple[int, int]] = []
    try:
        for number, row in _sheet_rows(workbook):
            texts = [
                (cell["column"], _UNSAVED if value is _UNSAVED else _xlsx_cell_text(value))
                for cell in row
                if (value := cell["value"]) is not None
            ]
            # a row ends at its last cell with data, as a CSV export's would; a blank
            # or formatted cell far out is no data and costs nothing
            width = max(
                (column for column, text in texts if text is _UNSAVED or text.strip()),
                default=0,
            )
            if not width:
                continue
            if width > limits.max_columns:
                raise FileRejected(
                    f"cell {get_column_letter(width)}{number} holds data in column {width}, "
                    f"past the {limits.max_columns:,} columns a file may have "
                    "(SCORECARD_MAX_COLUMNS)"
                )
            if number > limits.max_rows:
                raise FileRejected(
                    f"row {number:,} of the sheet holds data, past the {limits.max_rows:,} "
                    "rows a file may have (SCORECARD_MAX_ROWS)"
                )
            cells: list[str | None] = [None] * width
            for column, text in texts:
                if column > width:
                    continue
                if text is _UNSAVED:
                    unsaved.append((number, column - 1))
                else:
                    cells[column - 1] = text
            lines.append(number)
            records.append(cells)
    except FileRejected:
        raise
    except Exception as exc:
        raise FileRejected(f"the workbook cannot be read ({type(exc).__name__})") from None
    finally:
        workbook.close()
    return lines, records, unsaved


def _check_unpacked_size(data: bytes, limits: Limits) -> None:
    """A workbook is a zip: one of 1 MB can unpack to hundreds, so its parts' sizes are
    checked before any is unpacked (Python's zipfile never unpacks past a stated size)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except Exception as exc:  # zipfile raises several types for a corrupt archive
        raise FileRejected(f"the workbook cannot be read ({type(exc).__name__})") from None
    if unpacked > limits.max_workbook_bytes:
        raise FileRejected(
            f"the workbook unpacks to {_megabytes(unpacked / _MB)} MB, more than the "
            f"{_limit(limits.max_workbook_mb)} MB a workbook may unpack to "
            "(SCORECARD_MAX_WORKBOOK_MB)"
        )


_LAST_SHEET_ROW = 1_048_576  # Excel's; a row numbered past it is no sheet Excel wrote
_UNSAVED = object()  # a formula's cell whose value its writer never saved


def _sheet_rows(workbook) -> Iterator[tuple[int, list[dict]]]:
    """The first sheet's rows as its XML holds them: (row number, cells with a value).

    openpyxl's own sheet parser, fed as its read-only worksheet feeds it, but driven
    here so gaps are not padded; its cells carry ``_UNSAVED`` for a formula whose value
    was never saved. Rows must come in order, as Excel writes them: openpyxl would drop
    a repeated or earlier row without a word.
    """
    sheet = workbook.worksheets[0]
    with sheet._get_source() as source:
        parser = _sheet_parser()(
            source,
            workbook.shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        previous = 0
        for number, cells in parser.parse():
            if number > _LAST_SHEET_ROW:
                raise FileRejected(
                    f"the workbook cannot be read (its sheet has a row numbered {number}, "
                    f"past Excel's last row, {_LAST_SHEET_ROW})"
                )
            if number <= previous:
                raise FileRejected(
                    f"the workbook cannot be read (its sheet has row {number} after row {previous})"
                )
            previous = number
            yield number, cells


@cache
def _sheet_parser() -> type:
    """openpyxl's sheet parser, telling a formula saved without its value from a blank.

    Reading values only, openpyxl gives None for both. Excel always saves a formula's
    last value; a writer that cannot calculate (openpyxl, many scripts) leaves it out
    or empty (``<f>A1+1</f><v/>``). An empty value of a text formula (``t="str"``) is
    real: the formula's result was empty text, as Excel saves ``=IF(A1="","",A1)``.
    Made on first use: openpyxl takes most of a second to import.
    """
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class SheetParser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if (
                cell["value"] is None
                and element.find(FORMULA_TAG) is not None
                and not (element.get("t") == "str" and element.find(VALUE_TAG) is not None)
            ):
                cell["value"] = _UNSAVED
            return cell

    return SheetParser


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


def _parsed(
    lines: list[int],
    records: list[list[str | None]],
    *,
    pad_short: bool,
    unsaved: list[tuple[int, int]] | None = None,
) -> Parsed:
    if not records:
        raise FileRejected("the file has no header row")
    unsaved = unsaved or []
    for line, position in unsaved:
        if line == lines[0]:
            raise FileRejected(
                f"the header's column {position + 1} holds a formula with no saved value: "
                f"{_UNSAVED_ADVICE}"
            )
    header = [normalise_header(name) for name in records[0]]
    named = [name for name in header if name]
    duplicates = sorted({name for name in named if named.count(name) > 1})
    if duplicates:
        raise FileRejected(
            f"the header names column {', '.join(duplicates)} more than once (after "
            "ignoring case, spaces, hyphens and underscores)"
        )
    return Parsed(header, lines[1:], records[1:], pad_short, unsaved)


def cells_of(parsed_files: list[Parsed], columns: list[str] | None = None) -> Cells:
    """Many files' rows as one frame of text cells, indexed by (file, line_number).

    Built in one go because a month's files share an extract: the work per file is
    a frame's construction, and stripping and blanking run once over them all.
    A row whose field count does not fit its header is ragged: a CSV row must have
    exactly the header's number of fields; a sheet row may be shorter, never longer.
    ``columns`` keeps only those (the contract's), else every named column.
    """
    frames, ragged, rows_read, named, problems = [], [], [], [], []
    for number, parsed in enumerate(parsed_files):
        width = len(parsed.header)
        counts = np.fromiter(
            (len(row) for row in parsed.rows), dtype=np.int64, count=len(parsed.rows)
        )
        fits = counts <= width if parsed.pad_short else counts == width
        wanted = [name for name in parsed.header if name and (columns is None or name in columns)]
        lines = np.asarray(parsed.lines, dtype=np.int64)
        unsaved = _unsaved_by_line(parsed, wanted)
        held = fits & np.isin(lines, list(unsaved))  # a ragged row is ragged first
        body = pd.DataFrame(parsed.rows, index=parsed.lines, dtype=object)
        body = body.loc[fits & ~held].reindex(columns=range(width))
        body.columns = parsed.header
        frames.append(body[wanted])
        problems.append(_unsaved_problems(number, lines[held], counts[held], unsaved))
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
        problems=pd.concat(problems, ignore_index=True),
    )


_UNSAVED_ADVICE = "open the workbook in Excel and save it so the values are stored"


def _unsaved_by_line(parsed: Parsed, wanted: list[str]) -> dict[int, list[str]]:
    """The read columns in which each line has a formula saved without its value.

    An unread column's formula does not matter, as the column itself does not.
    """
    by_line: dict[int, list[str]] = {}
    for line, position in parsed.unsaved:
        name = parsed.header[position] if position < len(parsed.header) else ""
        if name in wanted and name not in by_line.get(line, []):
            by_line.setdefault(line, []).append(name)
    return by_line


def _unsaved_problems(
    file: int, lines: np.ndarray, counts: np.ndarray, unsaved: dict[int, list[str]]
) -> pd.DataFrame:
    """One row error per line; like a ragged row's, it keeps only the row's shape."""
    names = [unsaved[line] for line in lines.tolist()]
    return pd.DataFrame(
        {
            "file": file,
            "line_number": lines,
            "column_name": [", ".join(found) for found in names],
            "reason": [
                f"{', '.join(found)} "
                + ("holds a formula" if len(found) == 1 else "hold formulas")
                + f" with no saved value: {_UNSAVED_ADVICE}"
                for found in names
            ],
            "field_count": counts,
        }
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
            problems=batch.problems[batch.problems["file"] == number]
            .drop(columns="file")
            .reset_index(drop=True),
        )
        for number, parsed in enumerate(parsed_files)
    ]
