"""A workbook's first sheet as rows of text, numbered as on the sheet, streamed so that
a far or formatted cell costs nothing; formulas saved without their value are found."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from functools import cache
from typing import TYPE_CHECKING

from numpy import format_float_positional

from orchestration.reading.limits import check_unpacked_size
from orchestration.reading.rejection import FileRejected
from orchestration.settings import Limits

if TYPE_CHECKING:
    from collections.abc import Iterator

UNSAVED_ADVICE = "open the workbook in Excel and save it so the values are stored"
"""What a district does about a formula saved without its value."""


def xlsx_records(
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

    check_unpacked_size(data, limits)
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
