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
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy import format_float_positional

from contracts.fields import LONGEST_FIELD, TEXT
from orchestration.settings import Limits

if TYPE_CHECKING:
    from collections.abc import Iterator

# The csv module refuses a field over 131,072 characters by rejecting the whole file;
# one such field is a row error (too long for its type), so the limit is raised to
# more than any file the pipeline accepts.
csv.field_size_limit(1 << 30)


class FileRejected(Exception):
    """The whole file is rejected; ``str(exc)`` is the reason recorded in the audit."""


@dataclass(frozen=True)
class Table:
    """A readable file: its text cells and the rows whose shape did not fit the header."""

    cells: pd.DataFrame  # Arrow strings, blank = NA; index: line number; columns: header names
    ragged: pd.DataFrame  # line_number, field_count, header_count
    rows_read: int
    broken: pd.DataFrame  # line_number, last_line, field_count, column_name (see _csv_records)
    problems: pd.DataFrame  # line_number, column_name, reason, field_count


@dataclass(frozen=True)
class Cells:
    """Several files of one extract: their cells and ragged rows, keyed by file number."""

    cells: pd.DataFrame  # index: (file, line_number)
    ragged: pd.DataFrame  # file, line_number, field_count, header_count
    rows_read: list[int]  # by file
    columns: list[set[str]]  # by file: the named columns its header has
    broken: pd.DataFrame  # file, line_number, last_line, field_count, column_name
    # rows with a cell that cannot be read as data (a formula saved without its value):
    # file, line_number, column_name, reason, field_count
    problems: pd.DataFrame


# any run of Unicode white space (a no-break space, a tab, a wrapped cell's line break)
# is one separator; each hyphen is one, as each underscore is
_HEADER_SEPARATORS = re.compile(r"\s+|-")


def normalise_header(name: object) -> str:
    """`Referral Date`, `referral-date` and ` REFERRAL_DATE ` all become `referral_date`."""
    return _HEADER_SEPARATORS.sub("_", str(name if name is not None else "").strip().lower())


_WIDE_BOMS = [  # UTF-32's little-endian BOM begins with UTF-16's: test it first
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
]


def _refuse_wide_text(data: bytes) -> None:
    """UTF-16 and UTF-32 ("Unicode text" in Excel) would read as Windows-1252 noise and
    then lack every column: name the encoding instead, so the district can resave it."""
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            raise FileRejected(f"the file is {encoding} text; save it as CSV UTF-8")
    if b"\x00" not in data:
        return
    sample = data[:4096]
    # mostly-ASCII UTF-16 has a NUL in every other byte
    if max(sample[0::2].count(0), sample[1::2].count(0)) * 4 >= len(sample):
        raise FileRejected("the file is UTF-16 text; save it as CSV UTF-8")
    raise FileRejected(
        f"the file holds a NUL byte (at position {data.index(0)}), so it is not CSV text; "
        "save it as CSV UTF-8"
    )


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) or, failing that, Windows-1252 as saved by Excel."""
    _refuse_wide_text(data)
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
    broken: list[Broken] = field(default_factory=list)  # CSV records that cannot be trusted
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
    lines, records, broken = _csv_records(data)
    _check_csv_shape(lines, records, limits)
    return _parsed(lines, records, broken, pad_short=False)


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


@dataclass(frozen=True)
class Broken:
    """A CSV record whose quoting cannot be trusted: a row error at its first line.

    Only its shape is kept (its text may hold the rows it swallowed): the lines it
    ran over, its field count, and the field its runaway quote opened in.
    """

    line: int
    last_line: int
    field_count: int
    field_index: int | None


def _csv_records(data: bytes) -> tuple[list[int], list[list[str]], list[Broken]]:
    """Records of an RFC 4180 file with the physical line each one starts on.

    The stdlib reader tokenises in C; the loop only notes where each record starts
    (``line_num`` is the line a record ends on, so the next one starts after it).
    Empty and white-space-only lines are skipped; ``,,,`` is a row of blank cells.

    A quote that is never closed (or closed in the wrong place) makes the reader
    swallow the lines after it into one field. RFC 4180 allows a field to span
    lines, so a record that does is judged (``_implausible``); one that cannot be
    trusted is a broken row at its first line, and reading resumes on the next line,
    so every line after it is still read as a row. Only such records are re-parsed.
    """
    physical = io.StringIO(decode(data), newline="").readlines()
    lines: list[int] = []
    records: list[list[str]] = []
    broken: list[Broken] = []
    width: int | None = None  # the header's field count, once it is read
    # One iterator over the lines, never rewound: a resumed reader re-reads only the
    # lines already taken from it (the broken record's), so a file of many stray
    # quotes still costs about one pass, not one per quote.
    rest = iter(physical)
    source: Iterator[str] = rest
    position = taken = 0  # lines before the reader's first; lines taken from ``rest``
    while True:
        reader = csv.reader(source, strict=False)
        start, resume = position + 1, None
        try:
            for record in reader:
                end = position + reader.line_num
                if len(record) > 1 or (record and record[0].strip()):
                    if end > start and _implausible(record, physical[start - 1 : end], width):
                        if width is None:
                            raise FileRejected(
                                f"the header row cannot be read: a quote on line {start} is "
                                f"not closed, so it runs on to line {end}"
                            )
                        broken.append(Broken(start, end, len(record), _opened_in(record)))
                        resume = start  # the next line is read afresh
                        break
                    width = len(record) if width is None else width
                    lines.append(start)
                    records.append(record)
                start = end + 1
        except csv.Error as exc:
            raise FileRejected(f"the CSV cannot be read at line {start}: {exc}") from None
        if resume is None:
            return lines, records, broken
        taken = max(taken, position + reader.line_num)
        source = itertools.chain(physical[resume:taken], rest)
        position = resume


def _implausible(record: list[str], span: list[str], width: int | None) -> bool:
    """Whether a record spanning the physical lines ``span`` is a runaway quote.

    Rows of real data do not hide in a field: it is implausible if its field count
    is not the header's, if a field is longer than any field may be, if its text is
    not strict RFC 4180 (a quote closed with more text after it, or never closed),
    or if a line inside it would, read alone, be a row of the header's width (the
    last line only counts if the field that spans lines is not the first, since a
    first field's closing line legitimately carries the whole rest of the row).
    """
    if width is not None and len(record) != width:
        return True
    if max(map(len, record)) > LONGEST_FIELD:
        return True
    try:
        for _ in csv.reader(span, strict=True):
            pass
    except csv.Error:
        return True
    if width is None:
        return False
    inside = span[1:-1] if _opened_in(record) == 0 else span[1:]
    return any(len(next(csv.reader([line]), [])) == width for line in inside)


def _opened_in(record: list[str]) -> int | None:
    """The first field that holds a line break: where a runaway quote opened."""
    for index, value in enumerate(record):
        if "\n" in value or "\r" in value:
            return index
    return None


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
    broken: list[Broken] | None = None,
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
    return Parsed(header, lines[1:], records[1:], pad_short, broken or [], unsaved)


def cells_of(parsed_files: list[Parsed], columns: list[str] | None = None) -> Cells:
    """Many files' rows as one frame of text cells, indexed by (file, line_number).

    Built in one go because a month's files share an extract: the work per file is
    a frame's construction, and stripping and blanking run once over them all.
    A row whose field count does not fit its header is ragged: a CSV row must have
    exactly the header's number of fields; a sheet row may be shorter, never longer.
    ``columns`` keeps only those (the contract's), else every named column.
    """
    frames, ragged, rows_read, named, broken, problems = [], [], [], [], [], []
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
        broken.append(
            pd.DataFrame(
                {
                    "file": number,
                    "line_number": [item.line for item in parsed.broken],
                    "last_line": [item.last_line for item in parsed.broken],
                    "field_count": [item.field_count for item in parsed.broken],
                    "column_name": [
                        parsed.header[item.field_index] or None
                        if item.field_index is not None and item.field_index < width
                        else None
                        for item in parsed.broken
                    ],
                },
                columns=["file", "line_number", "last_line", "field_count", "column_name"],
            ).astype({"line_number": "int64", "last_line": "int64", "field_count": "int64"})
        )
        rows_read.append(len(parsed.rows) + len(parsed.broken))
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
        broken=pd.concat(broken, ignore_index=True).astype({"file": "int64"}),
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
            broken=batch.broken[batch.broken["file"] == number]
            .drop(columns="file")
            .reset_index(drop=True),
            problems=batch.problems[batch.problems["file"] == number]
            .drop(columns="file")
            .reset_index(drop=True),
        )
        for number, parsed in enumerate(parsed_files)
    ]
