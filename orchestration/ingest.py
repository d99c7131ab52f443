"""Loading landed files: read, pseudonymise, judge by contract, record.

``load_files`` turns files of one extract into typed records, rejected rows and an
audit row each, judging them together; ``load_month`` does that for a month's
district submissions and ``load_reference`` for the reference files; ``write_*``
replace them in the working database in one transaction each. Child ids are
pseudonymised as soon as a file's cells exist, before anything is validated,
logged or stored.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from contracts.base import Contract, missing_columns, validate_files
from contracts.fields import fits_shape, same_shape, text_of
from contracts.registry import DISTRICT_EXTRACTS, REFERENCE_FILES
from orchestration import warehouse
from orchestration.landing import Landed, Landing, Seen, match_files
from orchestration.pseudonym import Pseudonymiser
from orchestration.reading import FileRejected, Parsed, cells_of, check_file_size, parse
from orchestration.settings import Limits
from orchestration.working_days import FIRST_YEAR, bank_holidays


class DistrictsUnavailable(Exception):
    """districts.csv is missing or rejected whole: nothing can be published."""


class KeyChanged(Exception):
    """The working database's partitions were pseudonymised with another key."""


def month_start(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def month_end(month: str) -> date:
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, calendar.monthrange(year, number)[1])


@dataclass
class FileLoad:
    submission: dict
    records: pd.DataFrame | None  # typed, with partition and source columns
    rejected: pd.DataFrame  # audit.rejected_rows rows


@dataclass
class Load:
    """Everything one partition (or the reference files) puts in the working database."""

    submissions: list[dict] = field(default_factory=list)
    rejected: list[pd.DataFrame] = field(default_factory=list)
    records: dict[str, list[pd.DataFrame]] = field(default_factory=dict)

    def add(self, outcome: FileLoad, table: str) -> None:
        self.submissions.append(outcome.submission)
        self.rejected.append(outcome.rejected)
        if outcome.records is not None:
            self.records.setdefault(table, []).append(outcome.records)

    def extend(self, other: Load) -> None:
        self.submissions.extend(other.submissions)
        self.rejected.extend(other.rejected)
        for table, parts in other.records.items():
            self.records.setdefault(table, []).extend(parts)

    def add_seen(self, seen: list[Seen], now: datetime) -> None:
        self.submissions.extend(_seen_row(item, now) for item in seen)

    def frames(self) -> dict[str, pd.DataFrame]:
        frames = {
            table: pd.concat(parts, ignore_index=True) for table, parts in self.records.items()
        }
        frames["audit.submissions"] = pd.DataFrame(
            self.submissions, columns=list(warehouse.SUBMISSIONS_COLUMNS)
        )
        rejected = [frame for frame in self.rejected if not frame.empty]
        frames["audit.rejected_rows"] = (
            pd.concat(rejected, ignore_index=True)
            if rejected
            else pd.DataFrame(columns=list(warehouse.REJECTED_ROWS_COLUMNS))
        )
        return frames

    @property
    def rows_rejected(self) -> int:
        return sum(len(frame) for frame in self.rejected)


def _seen_row(item: Seen, now: datetime) -> dict:
    return {
        "reporting_month": month_start(item.month) if item.month else None,
        "district_code": item.district,
        "extract": item.extract,
        "file_name": Path(item.path).name,
        "path": item.path,
        "sha256": None,
        "status": item.status,
        "error": item.error,
        "loaded_at": now,
    }


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


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
        data = _read_without_following_links(landed.path, limits)
    except OSError as problem:
        return _rejected(
            {**scope, "loaded_at": now}, f"the file could not be read ({problem.strerror})"
        )
    except FileRejected as rejection:
        return _rejected({**scope, "loaded_at": now}, str(rejection))
    submission = {**scope, "sha256": hashlib.sha256(data).hexdigest(), "loaded_at": now}
    try:
        return _Parsed(scope, submission, parse(landed.path.name, data, limits))
    except FileRejected as rejection:
        return _rejected(submission, str(rejection))


def _rejected(submission: dict, error: str) -> FileLoad:
    return FileLoad({**submission, "status": "rejected", "error": error}, None, pd.DataFrame())


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
            load.add(_rejected(item.submission, error), table)
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
            _ragged_rejections(ragged),
            _broken_rejections(broken),
            problems.drop(columns="field_count"),
        ],
        ignore_index=True,
    )
    # a ragged row or one with an unreadable cell keeps only its shape
    shaped = pd.concat([ragged, problems])[["file", "line_number", "field_count"]]
    raw_records = _raw_records(cells, shaped, broken, rejected, contract.fields())
    rejected = rejected.assign(raw_record=raw_records).merge(scopes, on="file")
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


def _ragged_rejections(ragged: pd.DataFrame) -> pd.DataFrame:
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


def _broken_rejections(broken: pd.DataFrame) -> pd.DataFrame:
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


def _raw_records(
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


def _read_without_following_links(path: Path, limits: Limits) -> bytes:
    """The landing's links are never followed, even one swapped in since the scan.

    A file past the size limit is rejected before it is read into memory; one that
    grows after the check is read only to just past the limit, for parse to reject.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(descriptor, "rb") as handle:
        check_file_size(os.fstat(handle.fileno()).st_size, limits)
        return handle.read(limits.max_file_bytes + 1)


def load_district_month(
    landing: Landing,
    month: str,
    district: str,
    pseudonymiser: Pseudonymiser,
    now: datetime,
) -> Load:
    """Every extract of one district's submission for one month."""
    return load_month(landing, month, [district], pseudonymiser, now)


def load_month(
    landing: Landing,
    month: str,
    districts: list[str],
    pseudonymiser: Pseudonymiser,
    now: datetime,
) -> Load:
    """Every extract of the given districts' submissions for one month, each extract's
    files judged together."""
    load = Load()
    by_extract: dict[str, list[tuple[Landed, str, str]]] = {}
    for district in districts:
        folders = landing.district_folders.get((month, district), [])
        if not folders:
            continue
        files, seen = match_files(landing.root, folders, DISTRICT_EXTRACTS, month, district)
        load.add_seen(seen, now)
        for landed in files:
            by_extract.setdefault(landed.extract, []).append((landed, month, district))
    context = {"month_end": month_end(month)}
    for extract, files in by_extract.items():
        load.extend(load_files(files, DISTRICT_EXTRACTS[extract], context, pseudonymiser, now))
    return load


def write_district_months(
    con: duckdb.DuckDBPyConnection,
    landing: Landing,
    partitions: list[tuple[str, str]],
    load: Load,
) -> None:
    """Replace the partitions' rows with ``load``; a partition with no folder is left empty."""
    keys = pd.DataFrame(
        [(month_start(month), district) for month, district in partitions],
        columns=["reporting_month", "district_code"],
    )
    frames = load.frames()
    present = [key in landing.district_folders for key in partitions]
    frames["raw.district_folders"] = keys[present]
    in_partitions = (
        "(reporting_month, district_code) IN "
        "(SELECT reporting_month, district_code FROM partition_keys)"
    )
    con.register("partition_keys", keys)
    try:
        warehouse.replace_rows(con, {table: in_partitions for table in PARTITION_TABLES}, frames)
    finally:
        con.unregister("partition_keys")


PARTITION_TABLES = (
    *(f"raw.{name}" for name in DISTRICT_EXTRACTS),
    "raw.district_folders",
    "audit.submissions",
    "audit.rejected_rows",
)


# --- reference files -----------------------------------------------------------------


def _load_districts(landing: Landing, now: datetime) -> FileLoad:
    files = {landed.extract: landed for landed in landing.reference}
    if "districts" not in files:
        # two reference folders, or districts.csv and .xlsx, reject it: say so, not "missing"
        for item in landing.seen:
            if item.extract == "districts" and item.status == "rejected":
                raise DistrictsUnavailable(f"{item.path} was rejected: {item.error}")
        raise DistrictsUnavailable("reference/districts.csv is missing from the landing folder")
    outcome = load_file(files["districts"], REFERENCE_FILES["districts"], {}, None, now)
    if outcome.records is None:
        raise DistrictsUnavailable(
            f"reference/districts.csv was rejected: {outcome.submission['error']}"
        )
    return outcome


def listed_districts(landing: Landing) -> list[str]:
    """The district codes districts.csv lists, judged by its contract."""
    return sorted(_load_districts(landing, now_utc()).records["district_code"])


def load_reference(
    landing: Landing, indicator_codes: list[str], now: datetime
) -> tuple[Load, list[str]]:
    """The reference files, districts first since the others are checked against it.

    Returns the load and the listed district codes. A districts.csv that is missing
    or rejected whole stops the run: nothing can be built without the districts.
    A population.csv or targets.csv rejected whole or missing reads as empty (and is
    reported as rejected).
    """
    load = Load()
    outcome = _load_districts(landing, now)
    load.add(outcome, "raw.districts")
    districts = sorted(outcome.records["district_code"])
    context = {"districts": districts, "indicator_codes": indicator_codes}
    for landed in landing.reference:
        if landed.extract != "districts":
            contract = REFERENCE_FILES[landed.extract]
            load.add(load_file(landed, contract, context, None, now), f"raw.{contract.name}")
    load.submissions.extend(_missing_reference(landing, now))
    return load, districts


WITHOUT_REFERENCE = {
    "population": "no population, so no rates",
    "targets": "no targets, so no RAG ratings",
}
"""What the scorecard lacks when a reference file reads as empty."""


def _missing_reference(landing: Landing, now: datetime) -> list[dict]:
    """An absent population or targets file reads as empty, like one rejected whole,
    and is reported like one: silence would publish a scorecard without rates or RAG."""
    present = {landed.extract for landed in landing.reference}
    present |= {item.extract for item in landing.seen}  # rejected by the scan (ambiguous)
    return [
        {
            "reporting_month": None,
            "district_code": None,
            "extract": name,
            "file_name": f"{name}.csv",
            "path": f"reference/{name}.csv",
            "sha256": None,
            "status": "rejected",
            "error": f"reference/{name}.csv is missing: {lacking}",
            "loaded_at": now,
        }
        for name, lacking in WITHOUT_REFERENCE.items()
        if name not in present
    ]


def write_reference(
    con: duckdb.DuckDBPyConnection,
    landing: Landing,
    load: Load,
    pseudonymiser: Pseudonymiser,
    now: datetime,
) -> None:
    """Replace the reference tables, the landing-level audit and the calendar.

    Also forgets partitions whose folder is no longer in the landing, and every
    partition if the pseudonym key changed (pseudonyms from two keys would count
    one child twice), so the working database always mirrors the landing.
    """
    load.add_seen(landing.seen, now)
    frames = load.frames()
    last_year = max([int(month[:4]) for month in landing.months] + [now.year]) + 1
    frames["raw.bank_holidays"] = pd.DataFrame(
        bank_holidays(FIRST_YEAR, last_year), columns=["holiday_date", "holiday_name"]
    )
    fingerprint = pseudonymiser.fingerprint()
    stored = _stored_fingerprint(con)
    frames["raw.settings"] = pd.DataFrame({"name": ["pseudonym_key"], "value": [fingerprint]})
    present = pd.DataFrame(
        [(month_start(month), district) for month, district in landing.district_folders],
        columns=["reporting_month", "district_code"],
    )
    if stored is not None and stored != fingerprint:
        present = present.iloc[0:0]
    gone = (
        "district_code IS NOT NULL AND (reporting_month, district_code) NOT IN "
        "(SELECT reporting_month, district_code FROM present_partitions)"
    )
    deletes = {table: gone for table in PARTITION_TABLES} | {
        "audit.submissions": f"district_code IS NULL OR ({gone})",
        "audit.rejected_rows": f"district_code IS NULL OR ({gone})",
        "raw.districts": "true",
        "raw.population": "true",
        "raw.targets": "true",
        "raw.bank_holidays": "true",
        "raw.settings": "true",
    }
    con.register("present_partitions", present)
    try:
        warehouse.replace_rows(con, deletes, frames)
    finally:
        con.unregister("present_partitions")


def _stored_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    # fetchall, not fetchone: DuckDB 2 refuses register() while a result is unfinished
    stored = con.execute("SELECT value FROM raw.settings WHERE name = 'pseudonym_key'").fetchall()
    return stored[0][0] if stored else None


def require_same_key(con: duckdb.DuckDBPyConnection, pseudonymiser: Pseudonymiser) -> None:
    """Refuse to load partitions under a key other than the one the others were loaded with.

    Only write_reference, which runs first in a full build, forgets every partition on a
    change of key; a run of some partitions alone (the sensor's) would otherwise mix two
    keys' pseudonyms, counting one child twice. The first load records its key.
    """
    stored = _stored_fingerprint(con)
    if stored is None:
        con.execute(
            "INSERT INTO raw.settings VALUES ('pseudonym_key', ?)", [pseudonymiser.fingerprint()]
        )
    elif stored != pseudonymiser.fingerprint():
        raise KeyChanged(
            "the pseudonym key has changed since the working database was loaded, so every "
            "month must be reloaded with the new key: run `scorecard run` (or the "
            "scorecard_build job over every partition)"
        )
