"""workforce (snapshot extract: one row per worker at month end, keyed by worker_id)."""

from datetime import date

import pandera.pandas as pa

from contracts.base import Contract
from contracts.fields import DATE_FLOOR, boolean, code, identifier, number
from contracts.value_lists import value_list

TEAM_TYPES = value_list("team_types")
EMPLOYMENT_TYPES = ("permanent", "agency")


def schema(month_end: date = DATE_FLOOR) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "worker_id": identifier(),
            "team_code": identifier(),
            "team_type": code(TEAM_TYPES),
            "case_holding": boolean(),
            "employment_type": code(EMPLOYMENT_TYPES),
            "fte": number(gt=0, le=1),
        },
        name="workforce",
    )


CONTRACT = Contract("workforce", "snapshot", ("worker_id",), schema)
