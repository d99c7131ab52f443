"""Recording a run's district-months: each partition's rows replaced by what was loaded."""

from __future__ import annotations

import duckdb
import pandas as pd

from contracts.registry import DISTRICT_EXTRACTS
from orchestration import warehouse
from orchestration.dates import month_start
from orchestration.landing import Landing
from orchestration.loading.load import Load

PARTITION_TABLES = (
    *(f"raw.{name}" for name in DISTRICT_EXTRACTS),
    "raw.district_folders",
    "audit.submissions",
    "audit.rejected_rows",
)
"""Every table with rows of a district-month partition (district_code and reporting_month)."""


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
