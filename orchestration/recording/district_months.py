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
    "raw.partition_fingerprints",
    "audit.submissions",
    "audit.rejected_rows",
)
"""Every table with rows of a district-month partition (district_code and reporting_month)."""


def write_district_months(
    con: duckdb.DuckDBPyConnection,
    landing: Landing,
    partitions: list[tuple[str, str]],
    load: Load,
    fingerprints: pd.DataFrame | None = None,
) -> None:
    """Replace the partitions' rows with ``load``; a partition with no folder is left empty.

    ``fingerprints`` (loading.unchanged) say what the partitions were loaded from. They
    are written in the same transaction as the rows, so a kill never leaves a partition
    that looks loaded from files it was not loaded from.
    """
    keys = pd.DataFrame(
        [(month_start(month), district) for month, district in partitions],
        columns=["reporting_month", "district_code"],
    )
    frames = load.frames()
    present = [key in landing.district_folders for key in partitions]
    frames["raw.district_folders"] = keys[present]
    if fingerprints is not None:
        frames["raw.partition_fingerprints"] = fingerprints
    in_partitions = (
        "(reporting_month, district_code) IN "
        "(SELECT reporting_month, district_code FROM partition_keys)"
    )
    con.register("partition_keys", keys)
    try:
        warehouse.replace_rows(con, {table: in_partitions for table in PARTITION_TABLES}, frames)
    finally:
        con.unregister("partition_keys")


def recorded(con: duckdb.DuckDBPyConnection, partitions: list[tuple[str, str]]) -> Load:
    """The audit rows the working database holds for ``partitions``, as the Load that
    wrote them would report them (the rejected rows only by extract and reason)."""
    load = Load()
    if not partitions:
        return load
    keys = pd.DataFrame(
        [(month_start(month), district) for month, district in partitions],
        columns=["reporting_month", "district_code"],
    )
    con.register("recorded_partitions", keys)
    try:
        submissions = con.execute(
            f"SELECT {', '.join(warehouse.SUBMISSIONS_COLUMNS)} FROM audit.submissions "
            "JOIN recorded_partitions USING (reporting_month, district_code) ORDER BY path"
        ).df()
        rejected = con.execute(
            "SELECT extract, reason FROM audit.rejected_rows "
            "JOIN recorded_partitions USING (reporting_month, district_code)"
        ).df()
    finally:
        con.unregister("recorded_partitions")
    load.submissions = submissions.to_dict("records")
    load.rejected = [rejected]
    return load


def refresh_listings(con: duckdb.DuckDBPyConnection, fingerprints: pd.DataFrame) -> None:
    """New listings for partitions whose files were touched but hold the same bytes, so
    the next run need not hash them again."""
    if fingerprints.empty:
        return
    con.register("refreshed", fingerprints)
    try:
        con.execute(
            "UPDATE raw.partition_fingerprints AS kept SET listing = refreshed.listing "
            "FROM refreshed WHERE kept.reporting_month = refreshed.reporting_month "
            "AND kept.district_code = refreshed.district_code AND kept.loader = refreshed.loader"
        )
    finally:
        con.unregister("refreshed")
