"""referrals (event extract; a record is a referral, keyed by referral_id)."""

from datetime import date

import pandera.pandas as pa

from contracts.base import Contract
from contracts.fields import DATE_FLOOR, date_field, identifier, text


def schema(month_end: date = DATE_FLOOR) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "referral_id": identifier(),
            "child_id": identifier(),
            "referral_date": date_field(month_end, required=True),
            "referral_source": text(),
            # blank for an unborn child
            "date_of_birth": date_field(month_end),
        },
        name="referrals",
    )


CONTRACT = Contract("referrals", "event", ("referral_id",), schema)
