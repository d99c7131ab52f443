"""A rejected row as the audit keeps it: why, where, and what may be shown of it.

Each reason names the file's line and column so a district officer can act on it
(liia-tools-pipeline's habit); what is kept of the row's cells never shows a raw
child id or the rows a runaway quote swallowed.
"""

from __future__ import annotations

import json

import pandas as pd

from contracts.fields import fits_shape, text_of


def ragged_rejections(ragged: pd.DataFrame) -> pd.DataFrame:
    """A row whose field count is not its header's, and by how much."""
    return pd.DataFrame(
        {
            "file": ragged["file"],
            "line_number": ragged["line_number"],
            "column_name": None,
            "reason": [
                f"the row has {fields} fields but the header has {header}"
                for fields, header in zip(
                    ragged["field_count"], ragged["header_count"], strict=True
                )
            ],
        }
    )


def broken_rejections(broken: pd.DataFrame) -> pd.DataFrame:
    """A quote never closed: where it opened, how far it ran, and how to mend it."""
    return pd.DataFrame(
        {
            "file": broken["file"],
            "line_number": broken["line_number"],
            "column_name": broken["column_name"],
            "reason": [
                f"a quote {f'in {column} ' if isinstance(column, str) else ''}on this line is "
                f"not closed, so the row runs on to line {last}: close or remove it (the lines "
                "after this one are read as rows of their own)"
                for column, last in zip(broken["column_name"], broken["last_line"], strict=True)
            ],
        }
    )


def raw_records(
    cells: pd.DataFrame,
    shaped: pd.DataFrame,
    broken: pd.DataFrame,
    rejected: pd.DataFrame,
    fields: dict[str, str],
) -> list[str]:
    """Each rejected row's contract columns as landed, as JSON (child_id pseudonymised).

    Extra columns are left out: they are ignored anyway, and one such as a child's
    name would otherwise reach the audit raw. A cell that failed its type's shape
    check (over-long, or a line break where none belongs) is withheld, its length
    kept: it may hold the rows a runaway quote swallowed. A ragged row's fields
    cannot be matched to the header, so a raw child id could sit under any name; a
    row with a formula saved without its value never reached the cells to be
    pseudonymised (``shaped`` holds both); and a broken row (a quote not closed) holds
    the lines after it: only their shape is kept, and the line tells where to look.
    """
    keys = pd.MultiIndex.from_frame(rejected[["file", "line_number"]])
    rows = cells.reindex(keys)
    for column in rows.columns:
        misshapen = ~fits_shape(rows[column], fields.get(column, "text"))
        if misshapen.any():
            withheld = "(withheld: " + text_of(rows[column]).str.len().astype("string")
            rows[column] = text_of(rows[column]).mask(misshapen, withheld + " characters)")
    rows = rows.astype(object)
    rows = rows.where(rows.notna(), None)
    shaped_keys = pd.MultiIndex.from_frame(shaped[["file", "line_number"]])
    broken_keys = pd.MultiIndex.from_frame(broken[["file", "line_number"]])
    shapes = {
        key: {"field_count": int(count)}
        for key, count in zip(shaped_keys, shaped["field_count"], strict=True)
    }
    shapes |= {
        key: {"field_count": int(count), "line_count": int(last - first + 1)}
        for key, count, first, last in zip(
            broken_keys,
            broken["field_count"],
            broken["line_number"],
            broken["last_line"],
            strict=True,
        )
    }
    columns = list(rows.columns)
    return [
        json.dumps(shapes[key])
        if key in shapes
        else json.dumps(dict(zip(columns, values, strict=True)), ensure_ascii=False)
        for key, values in zip(keys, rows.itertuples(index=False, name=None), strict=True)
    ]
