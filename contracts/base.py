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

from contracts.fields import parse_frame


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


def validate(cells: pd.DataFrame, contract: Contract, schema: pa.DataFrameSchema) -> Validated:
    """Judge a file's text cells (index = line number) against a contract."""
    missing = [
        name for name, column in schema.columns.items() if column.required and name not in cells
    ]
    if missing:
        raise MissingColumns(f"required column(s) missing: {', '.join(missing)}")
    frame = cells.reindex(columns=list(schema.columns))

    row_failures = _row_failures(frame, schema)
    passing = frame.drop(index=row_failures["line_number"].unique())
    typed = contract.finish(parse_frame(passing, schema))

    distinct = typed[~typed.duplicated(keep="first")]
    ids = list(contract.id_columns)
    clashing_ids = distinct.loc[distinct.duplicated(ids, keep=False), ids].drop_duplicates()
    clashing = typed.reset_index().merge(clashing_ids, on=ids)
    conflicts = _conflict_reasons(clashing, ids)

    # conflicts may name identical repeats that ``distinct`` already dropped
    records = distinct[~distinct.index.isin(conflicts["line_number"])]
    rejected = (
        pd.concat([row_failures, conflicts], ignore_index=True)
        .sort_values("line_number", kind="stable")
        .reset_index(drop=True)
    )
    return Validated(records=records, rejected=rejected, rows_accepted=len(typed) - len(conflicts))


def _row_failures(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """One row per failing line: the failing columns (schema order) and every reason."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return pd.DataFrame(columns=REJECTED_COLUMNS)
    cases = cases[cases["index"].notna()].copy()
    # A rule across columns is reported once per cell of a failing row; it belongs
    # to the column its check is named after (fields.row_rule).
    owners = {check.error: check.name for check in schema.checks}
    cases["column_name"] = cases["check"].map(owners).fillna(cases["column"])
    cases = cases.drop_duplicates(["index", "column_name", "check"])
    cases["reason"] = [
        check if check in owners else _reason(column, check, value)
        for column, check, value in zip(
            cases["column_name"], cases["check"], cases["failure_case"], strict=True
        )
    ]
    order = {name: position for position, name in enumerate(schema.columns)}
    cases["order"] = cases["column_name"].map(order)
    cases = cases.sort_values(["index", "order"], kind="stable")
    grouped = cases.groupby("index", sort=True).agg(
        column_name=("column_name", lambda names: ", ".join(dict.fromkeys(names))),
        reason=("reason", "; ".join),
    )
    grouped.index = grouped.index.astype("int64")
    return grouped.rename_axis("line_number").reset_index()[REJECTED_COLUMNS]


def _reason(column: str, check: str, value: object) -> str:
    """`referral_date is not a valid date (...): '31/02/2011'` (child ids are never quoted)."""
    if check == "not_nullable":
        return f"{column} is required but blank"
    if column == "child_id" or not isinstance(value, str):
        return f"{column} {check}"
    return f"{column} {check}: '{value}'"


def _conflict_reasons(clashing: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    if clashing.empty:
        return pd.DataFrame(columns=REJECTED_COLUMNS)
    # a blank key part (targets' district_code) is named, not a crash in str.join
    key = clashing[ids].astype("string").fillna("(blank)").agg(" / ".join, axis=1)
    lines = clashing.groupby(key)["line_number"].agg(lambda n: ", ".join(map(str, sorted(n))))
    return pd.DataFrame(
        {
            "line_number": clashing["line_number"].astype("int64"),
            "column_name": ", ".join(ids),
            "reason": [
                f"conflicting duplicate: {' / '.join(ids)} '{k}' appears on lines "
                f"{lines[k]} with different values"
                for k in key
            ],
        }
    )
