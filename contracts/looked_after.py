"""looked_after (event extract; a period of care, keyed by period_id)."""

from datetime import date

import pandera.pandas as pa

from contracts.base import Contract
from contracts.fields import DATE_FLOOR, date_field, identifier, not_before, text


def schema(month_end: date = DATE_FLOOR) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "period_id": identifier(),
            "child_id": identifier(),
            "start_date": date_field(month_end, required=True),
            "end_date": date_field(month_end),
            "legal_status": text(),
        },
        checks=[not_before("end_date", "start_date")],
        name="looked_after",
    )


CONTRACT = Contract("looked_after", "event", ("period_id",), schema)
