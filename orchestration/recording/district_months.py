"""Recording a run's district-months: each partition's rows replaced by what was loaded,
unless its folder is unchanged since it was."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from itertools import groupby

import duckdb
import pandas as pd

from contracts.registry import DISTRICT_EXTRACTS
from orchestration import warehouse
from orchestration.landing import Landing
from orchestration.loading.load import Load
from orchestration.loading.parallel import month_loads
from orchestration.loading.unchanged import loader_version, plan
from orchestration.pseudonym import Pseudonymiser

PARTITION_TABLES = (
    *(f"raw.{name}" for name in DISTRICT_EXTRACTS),
    "raw.district_folders",
    "raw.partition_fingerprints",
    "audit.submissions",
    "audit.rejected_rows",
)
"""Every table with rows of a district-month partition (district_code and reporting_month)."""


def load_district_months(
    con: duckdb.DuckDBPyConnection,
    landing: Landing,
    partitions: list[tuple[str, str]],
    pseudonymiser: Pseudonymiser,
    now: datetime,
    reload: bool = False,
    say: Callable[[str], None] = lambda line: None,
    **parallel,
) -> Load:
    """Load and record ``partitions`` (sorted), a month at a time, each month's files
    judged together; a partition unchanged since loaded is not read again unless
    ``reload`` (loading.unchanged). Months are read on every core and written here in
    order (loading.parallel; ``parallel`` passes its options). Returns the audit rows of
    every partition, read or not, for the run's metadata and checks; memory holds a few
    months' records.
    """
    total = Load()
    loader = loader_version(pseudonymiser)
    plans = [
        (month, plan(con, landing, list(batch), loader, reload=reload))
        for month, batch in groupby(partitions, key=lambda partition: partition[0])
    ]
    reading = [(month, [district for _, district in todo.load]) for month, todo in plans]
    loads = month_loads(landing, reading, pseudonymiser, now, **parallel)
    for (month, todo), load in zip(plans, loads, strict=True):
        write_district_months(con, landing, todo.load, load, todo.of(todo.load))
        refresh_listings(con, todo.of(todo.unchanged))
        for part in (load, recorded(con, todo.unchanged)):
            total.submissions.extend(part.submissions)
            total.rejected.extend(part.rejected)
        # orchestration.progress follows the months by this line
        say(
            f"{month}: loaded {len(todo.load)} district-month partition(s), "
            f"{len(todo.unchanged)} unchanged since loaded"
        )
    return total


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
    keys = warehouse.partition_keys(partitions)
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
    keys = warehouse.partition_keys(partitions)
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
