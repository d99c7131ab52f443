"""allocations (snapshot extract: one row per open case at month end, keyed by case_id).

unallocated_since belongs to unallocated cases only: it is required (and checked as
a date) when worker_id is blank, and ignored, even if malformed, when a worker is
named. Its column must still be present, since the rule may need it.
"""

from datetime import date

import pandas as pd
import pandera.pandas as pa

from contracts.base import Contract
from contracts.fields import (
    DATE_FLOOR,
    DATE_HINT,
    date_field,
    identifier,
    parse_date,
    row_rule,
    unchecked,
)


def schema(month_end: date = DATE_FLOOR) -> pa.DataFrameSchema:
    def unallocated(frame: pd.DataFrame) -> pd.Series:
        return frame["worker_id"].isna()

    def since(frame: pd.DataFrame) -> pd.Series:
        return parse_date(frame["unallocated_since"])

    floor, ceiling = pd.Timestamp(DATE_FLOOR), pd.Timestamp(month_end)
    return pa.DataFrameSchema(
        {
            "case_id": identifier(),
            "child_id": identifier(),
            "case_start_date": date_field(month_end, required=True),
            "worker_id": identifier(required=False),
            "unallocated_since": unchecked("date"),
        },
        checks=[
            row_rule(
                "unallocated_since",
                "unallocated_since is required when worker_id is blank",
                lambda f: ~unallocated(f) | f["unallocated_since"].notna(),
            ),
            row_rule(
                "unallocated_since",
                f"unallocated_since is not a valid date ({DATE_HINT})",
                lambda f: ~unallocated(f) | f["unallocated_since"].isna() | since(f).notna(),
            ),
            row_rule(
                "unallocated_since",
                f"unallocated_since is outside the allowed range {DATE_FLOOR.isoformat()} "
                f"to {month_end.isoformat()}",
                lambda f: ~unallocated(f) | since(f).isna() | since(f).between(floor, ceiling),
            ),
            row_rule(
                "unallocated_since",
                "unallocated_since is before case_start_date",
                lambda f: ~unallocated(f) | ~(since(f) < parse_date(f["case_start_date"])),
            ),
        ],
        name="allocations",
    )


def ignore_unallocated_since_when_allocated(records: pd.DataFrame) -> pd.DataFrame:
    return records.assign(
        unallocated_since=records["unallocated_since"].where(records["worker_id"].isna())
    )


CONTRACT = Contract(
    "allocations", "snapshot", ("case_id",), schema, ignore_unallocated_since_when_allocated
)
