"""initial_assessments (event extract; keyed by assessment_id)."""

from datetime import date

import pandera.pandas as pa

from contracts.base import Contract
from contracts.fields import DATE_FLOOR, date_field, identifier, not_before


def schema(month_end: date = DATE_FLOOR) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "assessment_id": identifier(),
            "child_id": identifier(),
            "referral_date": date_field(month_end, required=True),
            "start_date": date_field(month_end, required=True),
            "completed_date": date_field(month_end),
        },
        checks=[
            not_before("start_date", "referral_date"),
            not_before("completed_date", "start_date"),
        ],
        name="initial_assessments",
    )


CONTRACT = Contract("initial_assessments", "event", ("assessment_id",), schema)
