"""cp_plans (event extract; a child protection plan, keyed by plan_id)."""

from datetime import date

import pandera.pandas as pa

from contracts.base import Contract
from contracts.fields import DATE_FLOOR, code, date_field, identifier, not_before

CATEGORIES = ("neglect", "physical", "emotional", "sexual", "multiple")


def schema(month_end: date = DATE_FLOOR) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "plan_id": identifier(),
            "child_id": identifier(),
            "start_date": date_field(month_end, required=True),
            "end_date": date_field(month_end),
            "category": code(CATEGORIES),
        },
        checks=[not_before("end_date", "start_date")],
        name="cp_plans",
    )


CONTRACT = Contract("cp_plans", "event", ("plan_id",), schema)
