"""Loading landed files: read, pseudonymise, judge by contract, record.

``load_file`` turns one landed file into typed records, rejected rows and one
audit row; ``load_district_month`` and ``load_reference`` gather those for a
partition and for the reference files, and ``write_*`` replace them in the
working database in one transaction each. Child ids are pseudonymised the
moment a file is read, before anything is validated, logged or stored.
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

from contracts.base import Contract, MissingColumns, validate
from contracts.registry import DISTRICT_EXTRACTS, REFERENCE_FILES
from orchestration import warehouse
from orchestration.landing import Landed, Landing, Seen, match_files
from orchestration.pseudonym import Pseudonymiser
from orchestration.reading import FileRejected, Table, read_table
from orchestration.working_days import FIRST_YEAR, bank_holidays


class DistrictsUnavailable(Exception):
    """districts.csv is missing or rejected whole: nothing can be published."""


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


def load_file(
    landed: Landed,
    contract: Contract,
    context: dict,
    pseudonymiser: Pseudonymiser | None,
    now: datetime,
    month: str | None = None,
    district: str | None = None,
) -> FileLoad:
    name = landed.path.name
    scope = {
        "reporting_month": month_start(month) if month else None,
        "district_code": district,
        "extract": contract.name,
        "file_name": name,
        "path": landed.relative,
    }
    try:
        data = _read_without_following_links(landed.path)
    except OSError as problem:
        error = f"the file could not be read ({problem.strerror})"
        return FileLoad(
            {**scope, "status": "rejected", "error": error, "loaded_at": now}, None, pd.DataFrame()
        )
    submission = {**scope, "sha256": hashlib.sha256(data).hexdigest(), "loaded_at": now}
    try:
        table = read_table(name, data)
        cells = table.cells
        if "child_id" in cells:  # before anything else sees it
            cells["child_id"] = pseudonymiser.column(cells["child_id"]) if pseudonymiser else None
        validated = validate(cells, contract, contract.schema(**context))
    except (FileRejected, MissingColumns) as rejection:
        submission |= {"status": "rejected", "error": str(rejection)}
        return FileLoad(submission, None, pd.DataFrame())

    rejected = pd.concat([validated.rejected, _ragged_rejections(table)], ignore_index=True)
    known = cells[[column for column in contract.fields() if column in cells]]
    rejected = rejected.assign(
        **scope, raw_record=_raw_records(known, table.ragged, rejected["line_number"])
    )
    rows_loaded = validated.rows_accepted
    assert rows_loaded + len(rejected) == table.rows_read, "every row read is loaded or rejected"
    submission |= {
        "rows_read": table.rows_read,
        "rows_loaded": rows_loaded,
        "rows_rejected": len(rejected),
        "status": "loaded",
        "error": None,
    }
    records = validated.records.reset_index().assign(file_name=name)
    if month:
        records = records.assign(reporting_month=scope["reporting_month"], district_code=district)
    return FileLoad(submission, records, rejected)


def _ragged_rejections(table: Table) -> pd.DataFrame:
    ragged = table.ragged
    return pd.DataFrame(
        {
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


def _raw_records(cells: pd.DataFrame, ragged: pd.DataFrame, lines: pd.Series) -> list[str]:
    """Each rejected row's contract columns as landed, as JSON (child_id pseudonymised).

    Extra columns are left out: they are ignored anyway, and one such as a child's
    name would otherwise reach the audit raw. A ragged row's fields cannot be matched
    to the header, so a raw child id could sit under any name: only its shape is kept,
    and its line tells where to look.
    """
    rows = cells.loc[cells.index.intersection(lines)].to_dict(orient="index")
    shapes = dict(zip(ragged["line_number"], ragged["field_count"], strict=True))
    return [
        json.dumps(rows[line], ensure_ascii=False)
        if line in rows
        else json.dumps({"field_count": int(shapes[line])})
        for line in lines
    ]


def _read_without_following_links(path: Path) -> bytes:
    """The landing's links are never followed, even one swapped in since the scan."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(descriptor, "rb") as handle:
        return handle.read()


def load_district_month(
    landing: Landing,
    month: str,
    district: str,
    pseudonymiser: Pseudonymiser,
    now: datetime,
) -> Load:
    """Every extract of one district's submission for one month."""
    load = Load()
    folders = landing.district_folders.get((month, district), [])
    if not folders:
        return load
    files, seen = match_files(landing.root, folders, DISTRICT_EXTRACTS, month, district)
    load.add_seen(seen, now)
    context = {"month_end": month_end(month)}
    for landed in files:
        contract = DISTRICT_EXTRACTS[landed.extract]
        outcome = load_file(landed, contract, context, pseudonymiser, now, month, district)
        load.add(outcome, f"raw.{contract.name}")
    return load


def write_district_months(
    con: duckdb.DuckDBPyConnection,
    landing: Landing,
    partitions: list[tuple[str, str]],
    loads: list[Load],
) -> None:
    """Replace the partitions' rows; a partition with no folder is left empty."""
    keys = pd.DataFrame(
        [(month_start(month), district) for month, district in partitions],
        columns=["reporting_month", "district_code"],
    )
    combined = Load()
    for load in loads:
        combined.submissions.extend(load.submissions)
        combined.rejected.extend(load.rejected)
        for table, parts in load.records.items():
            combined.records.setdefault(table, []).extend(parts)
    frames = combined.frames()
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
    A population.csv or targets.csv rejected whole reads as empty (and is reported).
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
    return load, districts


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
    # fetchall, not fetchone: DuckDB 2 refuses register() while a result is unfinished
    stored = con.execute("SELECT value FROM raw.settings WHERE name = 'pseudonym_key'").fetchall()
    frames["raw.settings"] = pd.DataFrame({"name": ["pseudonym_key"], "value": [fingerprint]})
    present = pd.DataFrame(
        [(month_start(month), district) for month, district in landing.district_folders],
        columns=["reporting_month", "district_code"],
    )
    if stored and stored[0][0] != fingerprint:
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
