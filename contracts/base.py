"""What every contract shares: its shape, and how a file's rows are judged.

A contract is a pandera schema over text cells plus the columns that identify a
record. ``validate`` applies extracts.md's order of judgement:

1. each row on its own (the schema, lazily, so every failing row is reported);
2. among the rows that pass, repeats of an id with identical parsed values are one
   record, and repeats with different values are all rejected as conflicting.

Nothing is dropped silently: every row read ends up in ``records`` (possibly merged
with an identical repeat) or in ``rejected`` with a reason an officer can act on.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

from contracts.fields import LENGTH, LINE_BREAK, is_shape_error, parse_frame


class MissingColumns(Exception):
    """A required column is absent: the whole file is rejected."""


@dataclass(frozen=True)
class Contract:
    """One extract's rules.

    ``build`` returns the schema for a context (a reporting month's last day for a
    district extract; the listed districts and indicator codes for reference files).
    ``finish`` adjusts parsed records where a rule says a value is ignored.
    """

    name: str
    kind: str  # "event", "snapshot" or "reference"
    id_columns: tuple[str, ...]
    build: Callable[..., pa.DataFrameSchema]
    finish: Callable[[pd.DataFrame], pd.DataFrame] = field(default=lambda records: records)

    def schema(self, **context) -> pa.DataFrameSchema:
        """The schema for a context; each builder takes only the parts it needs."""
        wanted = inspect.signature(self.build).parameters
        return self.build(**{key: value for key, value in context.items() if key in wanted})

    def fields(self) -> dict[str, str]:
        """Column name -> field type (fields.PARSERS), in file order."""
        return {name: col.metadata["field"] for name, col in self.build().columns.items()}


@dataclass(frozen=True)
class Validated:
    records: pd.DataFrame  # typed; index = line number of the record's first row
    rejected: pd.DataFrame  # line_number, column_name, reason: one row per rejected row
    rows_accepted: int  # rows that became (part of) a record


REJECTED_COLUMNS = ["line_number", "column_name", "reason"]
_KEY = ["file", "line_number"]


@dataclass(frozen=True)
class Judgement:
    """Several files judged together; every frame is keyed by file number."""

    records: pd.DataFrame  # typed; index (file, line number of the record's first row)
    rejected: pd.DataFrame  # file, line_number, column_name, reason: one row per rejected row
    rows_accepted: pd.Series  # by file: rows that became (part of) a record


def missing_columns(columns: set[str] | pd.Index, schema: pa.DataFrameSchema) -> list[str]:
    """Required columns (required, or required under a condition) a header lacks."""
    return [
        name for name, column in schema.columns.items() if column.required and name not in columns
    ]


def validate(cells: pd.DataFrame, contract: Contract, schema: pa.DataFrameSchema) -> Validated:
    """Judge one file's text cells (index = line number) against a contract."""
    if missing := missing_columns(cells.columns, schema):
        raise MissingColumns(f"required column(s) missing: {', '.join(missing)}")
    judged = validate_files(pd.concat([cells], keys=[0], names=_KEY), contract, schema)
    return Validated(
        records=judged.records.droplevel("file"),
        rejected=judged.rejected[REJECTED_COLUMNS],
        rows_accepted=int(judged.rows_accepted.get(0, 0)),
    )


def validate_files(
    cells: pd.DataFrame, contract: Contract, schema: pa.DataFrameSchema
) -> Judgement:
    """Judge several files of one extract at once, each on its own terms.

    ``cells`` is indexed by (file, line_number). A month's files are judged together
    because a schema's checks cost much the same for ten rows as for ten thousand;
    rows and duplicates still belong to their own file. Every file must have the
    required columns (see ``missing_columns``); a column a file lacks reads as blank.
    """
    columns = list(schema.columns)
    # pandera reports failing rows by index label: a flat row number is unambiguous
    origin = cells.index.to_frame(index=False)
    frame = cells.reindex(columns=columns).reset_index(drop=True)
    row_failures = _row_failures(frame, schema, origin)
    failed = frame.index.isin(row_failures["row"])
    typed = contract.finish(parse_frame(frame[~failed], schema))

    keyed = origin[~failed].join(typed)
    distinct = keyed[~keyed.duplicated(["file", *columns], keep="first")]
    ids = ["file", *contract.id_columns]
    clashing_ids = distinct.loc[distinct.duplicated(ids, keep=False), ids].drop_duplicates()
    clashing = keyed.reset_index(names="row").merge(clashing_ids, on=ids)
    conflicts = _conflict_reasons(clashing, list(contract.id_columns))

    # conflicts may name identical repeats that ``distinct`` already dropped
    records = distinct[~distinct.index.isin(conflicts["row"])].set_index(_KEY)
    rejected = pd.concat([row_failures, conflicts], ignore_index=True)
    accepted = keyed["file"].value_counts().sub(conflicts["file"].value_counts(), fill_value=0)
    return Judgement(
        records=records,
        rejected=rejected.sort_values(_KEY, kind="stable")[["file", *REJECTED_COLUMNS]]
        .astype({"file": "int64", "line_number": "int64"})
        .reset_index(drop=True),
        rows_accepted=accepted.astype("int64"),
    )


def _row_failures(
    frame: pd.DataFrame, schema: pa.DataFrameSchema, origin: pd.DataFrame
) -> pd.DataFrame:
    """One row per failing row: row, file and line, failing columns (in schema order), reasons."""
    empty = pd.DataFrame(columns=["row", "file", *REJECTED_COLUMNS])
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return empty
    cases = cases[cases["index"].notna()].copy()
    if cases.empty:
        return empty
    cases["row"] = cases["index"].astype("int64")
    # A rule across columns is reported once per cell of a failing row; it belongs
    # to the column its check is named after (fields.row_rule).
    owners = {check.error: check.name for check in schema.checks}
    cases["column_name"] = cases["check"].map(owners).fillna(cases["column"])
    cases = cases.drop_duplicates(["row", "column_name", "check"])
    # a cell that fails its shape is judged on that alone: 'is not a valid date' adds nothing
    shape = cases["check"].map(is_shape_error).astype(bool)
    misshapen = cases.loc[shape, ["row", "column_name"]].drop_duplicates()
    if not misshapen.empty:
        cell = pd.MultiIndex.from_frame(cases[["row", "column_name"]])
        cases = cases[shape | ~cell.isin(pd.MultiIndex.from_frame(misshapen))]
    cases["reason"] = [
        check if check in owners else _reason(column, check, value)
        for column, check, value in zip(
            cases["column_name"], cases["check"], cases["failure_case"], strict=True
        )
    ]
    order = {name: position for position, name in enumerate(schema.columns)}
    cases["order"] = cases["column_name"].map(order)
    cases = cases.sort_values(["row", "order"], kind="stable")
    grouped = cases.groupby("row", sort=True).agg(
        column_name=("column_name", lambda names: ", ".join(dict.fromkeys(names))),
        reason=("reason", "; ".join),
    )
    return grouped.join(origin).reset_index()[["row", "file", *REJECTED_COLUMNS]]


QUOTE_LIMIT = 64
"""The longest failing value a reason repeats: enough for any real value's mistake."""


def is_id_column(column: str) -> bool:
    """extracts.md's id columns: an id may be personal (child_id) or point at one."""
    return column.endswith("_id") or column == "team_code"


def _reason(column: str, check: str, value: object) -> str:
    """`referral_date is not a valid date (...): '31/02/2011'`.

    A failing value is quoted only when it can help and cannot leak: short, on one
    line and not an id. A cell that failed its shape check is described by its length.
    """
    if check == "not_nullable":
        return f"{column} is required but blank"
    if is_shape_error(check):
        length = len(value) if isinstance(value, str) else 0
        return f"{column} {check.replace(LENGTH, str(length))}"
    if not _quotable(column, value):
        return f"{column} {check}"
    return f"{column} {check}: '{value}'"


def _quotable(column: str, value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) <= QUOTE_LIMIT
        and not is_id_column(column)
        and not LINE_BREAK.search(value)
    )


def _conflict_reasons(clashing: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    if clashing.empty:
        return pd.DataFrame(columns=["row", "file", *REJECTED_COLUMNS])
    # a blank key part (targets' district_code) is named, not a crash in str.join
    key = clashing[ids].astype("string").fillna("(blank)").agg(" / ".join, axis=1)
    lines = clashing.groupby([clashing["file"], key])["line_number"].transform(
        lambda n: ", ".join(map(str, sorted(n)))
    )
    return pd.DataFrame(
        {
            "row": clashing["row"].astype("int64"),
            "file": clashing["file"].astype("int64"),
            "line_number": clashing["line_number"].astype("int64"),
            "column_name": ", ".join(ids),
            "reason": [
                f"conflicting duplicate: {' / '.join(ids)} '{k}' appears on lines "
                f"{line_list} with different values"
                for k, line_list in zip(key, lines, strict=True)
            ],
        }
    )
