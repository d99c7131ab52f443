"""Parsed files as frames of trimmed text cells, many files of one extract at once, with
the rows whose shape does not fit their header set apart as row errors."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from contracts.fields import TEXT
from orchestration.reading.parsed import Parsed, parse
from orchestration.reading.workbook import UNSAVED_ADVICE
from orchestration.settings import Limits


@dataclass(frozen=True)
class Table:
    """A readable file: its text cells and the rows whose shape did not fit the header."""

    cells: pd.DataFrame  # Arrow strings, blank = NA; index: line number; columns: header names
    ragged: pd.DataFrame  # line_number, field_count, header_count
    rows_read: int
    broken: pd.DataFrame  # line_number, last_line, field_count, column_name (see csv_records)
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


def read_table(name: str, data: bytes, limits: Limits | None = None) -> Table:
    """One landed file as a table of text cells (see ``tables`` for many at once)."""
    return tables([parse(name, data, limits)])[0]


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
                + f" with no saved value: {UNSAVED_ADVICE}"
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
