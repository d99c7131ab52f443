"""The working DuckDB database: raw and audit tables, and publishing by atomic replace.

The pipeline writes only its working database. BI reads the published file, which
is replaced in one ``os.replace`` after every blocking check has passed: a reader
never sees a half-built warehouse and never blocks a run, and a failed or killed
run leaves the published file as it was. The published copy is written in DuckDB
1.4's storage format, because BI drivers lag behind DuckDB releases.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from contracts.fields import SQL_TYPES
from contracts.registry import DISTRICT_EXTRACTS, REFERENCE_FILES
from orchestration.dates import month_start

PUBLISHED_SCHEMAS = ("marts", "audit")
PUBLISHED_STORAGE_VERSION = "v1.4.0"

_SOURCE_COLUMNS = {"file_name": "VARCHAR", "line_number": "BIGINT"}
_PARTITION_COLUMNS = {"reporting_month": "DATE", "district_code": "VARCHAR"}

SUBMISSIONS_COLUMNS = {
    "reporting_month": "DATE",
    "district_code": "VARCHAR",
    "extract": "VARCHAR",
    "file_name": "VARCHAR",
    "path": "VARCHAR",
    "sha256": "VARCHAR",
    "rows_read": "BIGINT",
    "rows_loaded": "BIGINT",
    "rows_rejected": "BIGINT",
    "status": "VARCHAR",
    "error": "VARCHAR",
    "loaded_at": "TIMESTAMP",
}
REJECTED_ROWS_COLUMNS = {
    "reporting_month": "DATE",
    "district_code": "VARCHAR",
    "extract": "VARCHAR",
    "file_name": "VARCHAR",
    "path": "VARCHAR",
    "line_number": "BIGINT",
    "column_name": "VARCHAR",
    "reason": "VARCHAR",
    "raw_record": "JSON",
}
# What each district-month was loaded from (orchestration/loading/unchanged.py)
FINGERPRINT_COLUMNS = {
    "reporting_month": "DATE",
    "district_code": "VARCHAR",
    "listing": "VARCHAR",
    "contents": "VARCHAR",
    "loader": "VARCHAR",
}
# What earlier publications published (orchestration/publications.py): the columns of
# marts.dim_publication and marts.fct_scorecard_revision, which dbt reads as its source.
PUBLICATIONS_COLUMNS = {
    "publication_id": "BIGINT",
    "published_at": "TIMESTAMP",
    "first_month": "DATE",
    "last_month": "DATE",
}
REVISIONS_COLUMNS = {
    "month_start": "DATE",
    "district_code": "VARCHAR",
    "indicator_code": "VARCHAR",
    "publication_id": "BIGINT",
    "value": "DOUBLE",
    "data_status": "VARCHAR",
    "rag": "VARCHAR",
}


def _table_columns() -> dict[str, dict[str, str]]:
    tables = {
        f"raw.{name}": {
            **_PARTITION_COLUMNS,
            **_SOURCE_COLUMNS,
            **{column: SQL_TYPES[field] for column, field in contract.fields().items()},
        }
        for name, contract in DISTRICT_EXTRACTS.items()
    }
    tables |= {
        f"raw.{name}": {
            **_SOURCE_COLUMNS,
            **{column: SQL_TYPES[field] for column, field in contract.fields().items()},
        }
        for name, contract in REFERENCE_FILES.items()
    }
    tables["raw.district_folders"] = dict(_PARTITION_COLUMNS)
    tables["raw.bank_holidays"] = {"holiday_date": "DATE", "holiday_name": "VARCHAR"}
    tables["raw.settings"] = {"name": "VARCHAR", "value": "VARCHAR"}
    tables["raw.partition_fingerprints"] = FINGERPRINT_COLUMNS
    # what the last `scorecard run` that published was made from (orchestration.rerun)
    tables["raw.last_publish"] = {
        "inputs": "VARCHAR",
        "published_file": "VARCHAR",
        "publication_id": "BIGINT",
    }
    tables["audit.submissions"] = SUBMISSIONS_COLUMNS
    tables["audit.rejected_rows"] = REJECTED_ROWS_COLUMNS
    tables["history.publications"] = PUBLICATIONS_COLUMNS
    tables["history.revisions"] = REVISIONS_COLUMNS
    return tables


TABLES = _table_columns()


def partition_keys(partitions: list[tuple[str, str]]) -> pd.DataFrame:
    """(month, district) pairs as the columns every district-month table is keyed by, to
    register and join in SQL."""
    return pd.DataFrame(
        [(month_start(month), district) for month, district in partitions],
        columns=list(_PARTITION_COLUMNS),
    )


@contextmanager
def connect(path: Path):
    """A connection to the working database with every raw, audit and history table present."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        for schema in ("raw", "audit", "history"):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        for table, columns in TABLES.items():
            body = ", ".join(f"{name} {kind}" for name, kind in columns.items())
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({body})")
        yield con
    finally:
        con.close()


def insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Append a frame by column name; columns the table has and the frame lacks are null."""
    if frame.empty:
        return
    con.register("incoming", frame)
    try:
        columns = ", ".join(frame.columns)
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming")
    finally:
        con.unregister("incoming")


def replace_rows(
    con: duckdb.DuckDBPyConnection, deletes: dict[str, str], frames: dict[str, pd.DataFrame]
) -> None:
    """Delete ``deletes`` (table -> WHERE) and insert ``frames``, in one transaction.

    An audit row whose file is unchanged (same path, hash, status and error) keeps
    its first ``loaded_at``, so loading the same submission twice changes nothing.
    Any such write also forgets what the last publishing run was made from
    (orchestration.rerun): the working database no longer holds only that.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM raw.last_publish")
        if "audit.submissions" in frames:
            previous = con.execute(
                "SELECT path, sha256, status, error, loaded_at AS first_loaded_at "
                f"FROM audit.submissions WHERE {deletes['audit.submissions']}"
            ).df()
            frames = frames | {
                "audit.submissions": _keep_first_loaded_at(frames["audit.submissions"], previous)
            }
        for table, where in deletes.items():
            con.execute(f"DELETE FROM {table} WHERE {where}")
        for table, frame in frames.items():
            insert(con, table, frame)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _keep_first_loaded_at(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    keys = ["path", "sha256", "status", "error"]
    if current.empty or previous.empty:
        return current
    previous = previous.drop_duplicates(keys).astype({key: object for key in keys})
    merged = current.astype({key: object for key in keys}).merge(previous, on=keys, how="left")
    merged["loaded_at"] = merged["first_loaded_at"].fillna(merged["loaded_at"])
    return merged.drop(columns="first_loaded_at")


def publish(work_db: Path, warehouse: Path) -> None:
    """Copy the published schemas to ``warehouse`` by build-then-rename.

    The copy is built in a hidden file beside ``warehouse`` (same file system, so
    the rename is atomic), checkpointed and synced before it replaces the old file.
    """
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_copies(warehouse)
    building = warehouse.with_name(f".{warehouse.name}.{os.getpid()}.publishing")
    building.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        # paths go in as parameters, never as SQL text: any folder name is safe
        con.execute("ATTACH ? AS work (READ_ONLY)", [str(work_db)])
        con.execute(
            f"ATTACH ? AS published (STORAGE_VERSION '{PUBLISHED_STORAGE_VERSION}')",
            [str(building)],
        )
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f"CREATE SCHEMA published.{schema}")
        tables = con.execute(
            "SELECT schema_name, table_name, comment FROM duckdb_tables() "
            "WHERE database_name = 'work' AND schema_name IN "
            f"({', '.join(repr(s) for s in PUBLISHED_SCHEMAS)}) ORDER BY ALL"
        ).fetchall()
        for schema, table, comment in tables:
            con.execute(
                f"CREATE TABLE published.{schema}.{table} AS SELECT * FROM work.{schema}.{table}"
            )
            if comment:
                con.execute(f"COMMENT ON TABLE published.{schema}.{table} IS $${comment}$$")
        for schema, table, column, comment in con.execute(
            "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
            "WHERE database_name = 'work' AND comment IS NOT NULL AND schema_name IN "
            f"({', '.join(repr(s) for s in PUBLISHED_SCHEMAS)})"
        ).fetchall():
            con.execute(f'COMMENT ON COLUMN published.{schema}.{table}."{column}" IS $${comment}$$')
        con.execute("CHECKPOINT published")
        con.execute("DETACH published")
    except BaseException:
        con.close()
        building.unlink(missing_ok=True)
        building.with_name(f"{building.name}.wal").unlink(missing_ok=True)
        raise
    con.close()
    with open(building, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(building, warehouse)
    directory = os.open(warehouse.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _remove_abandoned_copies(warehouse: Path) -> None:
    """Delete half-built copies, and their write-ahead logs, left by publishers that were
    killed (their pid is gone): a log left alone would lie beside the folder forever."""
    for suffix in (".publishing", ".publishing.wal"):
        for copy in warehouse.parent.glob(f".{warehouse.name}.*{suffix}"):
            pid = copy.name.removeprefix(f".{warehouse.name}.").removesuffix(suffix)
            if pid.isdigit() and not _alive(int(pid)):
                copy.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
