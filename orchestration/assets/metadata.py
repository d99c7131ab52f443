"""What the Dagster UI shows about every asset: its real table, storage and column types
(the code versions of the Python assets come from orchestration.sources).

The table name is the one in the working database (``raw.referrals``,
``marts.scorecard_monthly``): dbt-duckdb's manifest names the database after the path
it was parsed with (``memory`` when parsed without one), which is no table anyone can open.
"""

from __future__ import annotations

from collections.abc import Mapping

from dagster import TableColumn, TableSchema
from dagster._core.definitions.metadata import TableMetadataSet

STORAGE_KIND = "duckdb"


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
