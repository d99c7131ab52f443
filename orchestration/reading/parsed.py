"""A landed file's header and body rows, read from its bytes (CSV or workbook)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from orchestration.reading.csv_records import Broken, csv_records
from orchestration.reading.limits import check_csv_length, check_csv_shape, check_file_size
from orchestration.reading.rejection import FileRejected
from orchestration.reading.workbook import UNSAVED_ADVICE, xlsx_records
from orchestration.settings import Limits

# any run of Unicode white space (a no-break space, a tab, a wrapped cell's line break)
# is one separator; each hyphen is one, as each underscore is
_HEADER_SEPARATORS = re.compile(r"\s+|-")


def normalise_header(name: object) -> str:
    """`Referral Date`, `referral-date` and ` REFERRAL_DATE ` all become `referral_date`."""
    return _HEADER_SEPARATORS.sub("_", str(name if name is not None else "").strip().lower())


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
        lines, records, unsaved = xlsx_records(data, limits)
        return _parsed(lines, records, pad_short=True, unsaved=unsaved)
    check_csv_length(data, limits)
    lines, records, broken = csv_records(data)
    check_csv_shape(lines, records, limits)
    return _parsed(lines, records, broken, pad_short=False)


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
                f"{UNSAVED_ADVICE}"
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
