"""What the Dagster UI shows about every asset: its real table, storage and column types,
and the code version of the Python assets.

The table name is the one in the working database (``raw.referrals``,
``marts.scorecard_monthly``): dbt-duckdb's manifest names the database after the path
it was parsed with (``memory`` when parsed without one), which is no table anyone can open.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from dagster import TableColumn, TableSchema
from dagster._core.definitions.metadata import TableMetadataSet

STORAGE_KIND = "duckdb"
ROOT = Path(__file__).resolve().parents[2]


def table_metadata(
    table: str, columns: Mapping[str, str], descriptions: Mapping[str, str] | None = None
) -> dict:
    """``dagster/table_name``, ``dagster/storage_kind`` and ``dagster/column_schema``."""
    descriptions = descriptions or {}
    schema = TableSchema(
        columns=[
            TableColumn(name=name, type=kind, description=descriptions.get(name))
            for name, kind in columns.items()
        ]
    )
    return dict(TableMetadataSet(table_name=table, storage_kind=STORAGE_KIND, column_schema=schema))


def source_version(paths: Iterable[str]) -> str:
    """A hash of the source files (relative to the project root, folders taken whole) that
    decide an asset's rows.

    A hash rather than a hand-bumped constant: a forgotten bump would hide a real change
    from the UI's "code version changed" flag, while an edit to a comment only makes the
    UI suggest a rebuild that changes nothing.
    """
    digest = hashlib.sha256()
    for relative in sorted(paths):
        path = ROOT / relative
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(file.relative_to(ROOT).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]
