"""Recording the reference files, the landing-level audit and the calendar, and
forgetting what has left the landing, so the working database mirrors the landing."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from orchestration import warehouse
from orchestration.dates import month_start
from orchestration.landing import Landing
from orchestration.loading.load import Load
from orchestration.pseudonym import Pseudonymiser
from orchestration.recording.district_months import PARTITION_TABLES
from orchestration.recording.pseudonym_key import partitions_to_keep, stored_fingerprint
from orchestration.working_days import FIRST_YEAR, bank_holidays


def calendar_years(landing: Landing, now: datetime) -> tuple[int, int]:
    """Policy: raw.bank_holidays runs from 1990 (FIRST_YEAR: no date in an extract may
    precede it) to the year after the later of the last landed month and this year, so
    a count of working days that runs past December still meets the next year's holidays.
    """
    last_year = max([int(month[:4]) for month in landing.months] + [now.year]) + 1
    return FIRST_YEAR, last_year


def write_reference(
    con: duckdb.DuckDBPyConnection,
    landing: Landing,
    load: Load,
    pseudonymiser: Pseudonymiser,
    now: datetime,
) -> None:
    """Replace the reference tables, the landing-level audit and the calendar.

    Also forgets partitions whose folder is no longer in the landing, and every
    partition if the pseudonym key changed (recording.pseudonym_key).
    """
    load.add_seen(landing.seen, now)
    frames = load.frames()
    frames["raw.bank_holidays"] = pd.DataFrame(
        bank_holidays(*calendar_years(landing, now)), columns=["holiday_date", "holiday_name"]
    )
    fingerprint = pseudonymiser.fingerprint()
    stored = stored_fingerprint(con)
    frames["raw.settings"] = pd.DataFrame({"name": ["pseudonym_key"], "value": [fingerprint]})
    present = pd.DataFrame(
        [(month_start(month), district) for month, district in landing.district_folders],
        columns=["reporting_month", "district_code"],
    )
    kept = partitions_to_keep(present, stored, fingerprint)
    gone = (
        "district_code IS NOT NULL AND (reporting_month, district_code) NOT IN "
        "(SELECT reporting_month, district_code FROM kept_partitions)"
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
    con.register("kept_partitions", kept)
    try:
        warehouse.replace_rows(con, deletes, frames)
    finally:
        con.unregister("kept_partitions")
