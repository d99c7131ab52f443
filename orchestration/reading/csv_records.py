"""A CSV file's records, each with the physical line it starts on, and the records a
runaway quote broke (kept as a row error, so the lines after it are still read)."""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from contracts.fields import LONGEST_FIELD
from orchestration.reading.encoding import decode
from orchestration.reading.rejection import FileRejected

if TYPE_CHECKING:
    from collections.abc import Iterator

# The csv module refuses a field over 131,072 characters by rejecting the whole file;
# one such field is a row error (too long for its type), so the limit is raised to
# more than any file the pipeline accepts.
csv.field_size_limit(1 << 30)


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


def csv_records(data: bytes) -> tuple[list[int], list[list[str]], list[Broken]]:
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
