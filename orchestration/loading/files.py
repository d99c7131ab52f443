"""Judging files of one extract together: read (never through a link), parse,
pseudonymise, then the contract's verdict on every row.

``load_files`` turns files of one extract into typed records, rejected rows and an
audit row each; a file that cannot be read or lacks a required column is rejected
whole, with one reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from contracts.base import Contract, missing_columns, validate_files
from contracts.fields import fits_shape, same_shape
from orchestration.dates import month_start
from orchestration.landing import Landed
from orchestration.loading.load import FileLoad, Load, rejected_whole
from orchestration.loading.rejections import broken_rejections, ragged_rejections, raw_records
from orchestration.pseudonym import Pseudonymiser
from orchestration.reading.cells import cells_of
from orchestration.reading.opening import read_without_following_links
from orchestration.reading.parsed import Parsed, parse
from orchestration.reading.rejection import FileRejected
from orchestration.settings import Limits


@dataclass
class _Parsed:
    """A landed file read and parsed, waiting to be judged with the others of its extract."""

    scope: dict  # the audit columns that say which file this is
    submission: dict
    parsed: Parsed


def _parse(
    landed: Landed,
    contract: Contract,
    now: datetime,
    month: str | None,
    district: str | None,
    limits: Limits,
) -> _Parsed | FileLoad:
    """Read and parse a file, or return its whole-file rejection."""
    scope = {
        "reporting_month": month_start(month) if month else None,
        "district_code": district,
        "extract": contract.name,
        "file_name": landed.path.name,
        "path": landed.relative,
    }
    try:
        data = read_without_following_links(landed.path, limits)
    except OSError as problem:
        return rejected_whole(
            {**scope, "loaded_at": now}, f"the file could not be read ({problem.strerror})"
        )
    except FileRejected as rejection:
        return rejected_whole({**scope, "loaded_at": now}, str(rejection))
    submission = {**scope, "sha256": hashlib.sha256(data).hexdigest(), "loaded_at": now}
    try:
        return _Parsed(scope, submission, parse(landed.path.name, data, limits))
    except FileRejected as rejection:
        return rejected_whole(submission, str(rejection))


_SUBMISSION_COLUMNS = ("reporting_month", "district_code", "file_name")


def load_files(
    files: list[tuple[Landed, str | None, str | None]],
    contract: Contract,
    context: dict,
    pseudonymiser: Pseudonymiser | None,
    now: datetime,
) -> Load:
    """Files of one extract, each (file, month, district), read and judged together.

    A month's files are judged in one go (contracts.base.validate_files): a contract's
    checks cost little more for a county's month than for one district's file. Child
    ids are pseudonymised as soon as the cells exist, before anything else sees them.
    """
    load, table = Load(), f"raw.{contract.name}"
    limits = Limits.resolve()  # once per batch, not once per file
    ready = []
    for landed, month, district in files:
        outcome = _parse(landed, contract, now, month, district, limits)
        if isinstance(outcome, FileLoad):
            load.add(outcome, table)
        else:
            ready.append(outcome)
    if not ready:
        return load
    schema = contract.schema(**context)
    batch = cells_of([item.parsed for item in ready], columns=list(contract.fields()))
    judged = []
    for number, item in enumerate(ready):
        if missing := missing_columns(batch.columns[number], schema):
            error = f"required column(s) missing: {', '.join(missing)}"
            load.add(rejected_whole(item.submission, error), table)
        else:
            judged.append(number)
    if not judged:
        return load
    cells = batch.cells[batch.cells.index.get_level_values("file").isin(judged)]
    if "child_id" in cells:
        cells = cells.assign(child_id=_pseudonymised(cells["child_id"], pseudonymiser))
    judgement = validate_files(cells, contract, schema)

    scopes = pd.DataFrame([{"file": number, **ready[number].scope} for number in judged])
    ragged = batch.ragged[batch.ragged["file"].isin(judged)]
    broken = batch.broken[batch.broken["file"].isin(judged)]
    problems = batch.problems[batch.problems["file"].isin(judged)]
    rejected = pd.concat(
        [
            judgement.rejected,
            ragged_rejections(ragged),
            broken_rejections(broken),
            problems.drop(columns="field_count"),
        ],
        ignore_index=True,
    )
    # a ragged row or one with an unreadable cell keeps only its shape
    shaped = pd.concat([ragged, problems])[["file", "line_number", "field_count"]]
    as_landed = raw_records(cells, shaped, broken, rejected, contract.fields())
    rejected = rejected.assign(raw_record=as_landed).merge(scopes, on="file")
    # reference tables have no submission columns (and districts has its own district_code)
    source = ["file_name"] if contract.kind == "reference" else list(_SUBMISSION_COLUMNS)
    records = judgement.records.reset_index().merge(scopes[["file", *source]], on="file")
    rejected_by_file = rejected["file"].value_counts()
    for number in judged:
        rows_loaded = int(judgement.rows_accepted.get(number, 0))
        rows_rejected = int(rejected_by_file.get(number, 0))
        rows_read = batch.rows_read[number]
        assert rows_loaded + rows_rejected == rows_read, "every row read is loaded or rejected"
        load.submissions.append(
            ready[number].submission
            | {
                "rows_read": rows_read,
                "rows_loaded": rows_loaded,
                "rows_rejected": rows_rejected,
                "status": "loaded",
                "error": None,
            }
        )
    load.rejected.append(rejected.drop(columns="file"))
    load.records.setdefault(table, []).append(records.drop(columns="file"))
    return load


def load_file(
    landed: Landed,
    contract: Contract,
    context: dict,
    pseudonymiser: Pseudonymiser | None,
    now: datetime,
    month: str | None = None,
    district: str | None = None,
) -> FileLoad:
    """One landed file: its records (None if rejected whole), rejected rows and audit row."""
    load = load_files([(landed, month, district)], contract, context, pseudonymiser, now)
    records = load.records.get(f"raw.{contract.name}")
    return FileLoad(
        load.submissions[0],
        records[0] if records else None,
        load.rejected[0] if load.rejected else pd.DataFrame(),
    )


def _pseudonymised(child_ids: pd.Series, pseudonymiser: Pseudonymiser | None) -> pd.Series:
    """Child ids as pseudonyms; one that fails an id's shape check becomes a stand-in.

    A 100-character or multi-line "child id" is a fault, not a child: its pseudonym
    would pass as one. The stand-in (``#`` for each character, line breaks kept)
    fails the same check with the same length, so the row is rejected for it, and
    no character of it goes further.
    """
    fits = fits_shape(child_ids, "id")
    pseudonyms = pseudonymiser.column(child_ids.where(fits)) if pseudonymiser else None
    if pseudonyms is None or fits.all():
        return pseudonyms
    return pseudonyms.where(fits, same_shape(child_ids[~fits]).astype(object))
