"""referrals (event extract; a record is a referral, keyed by referral_id)."""

from datetime import date

import pandera.pandas as pa

from contracts.base import Contract
from contracts.fields import DATE_FLOOR, date_field, identifier, text

# extracts.md: history reaches back before 2008, when a child of 17 was born before 1990
BIRTH_YEARS_BACK = 25


def earliest_birth(month_end: date) -> date:
    """1 January of the year 25 years before the reporting month's."""
    return date(month_end.year - BIRTH_YEARS_BACK, 1, 1)


def schema(month_end: date = DATE_FLOOR) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "referral_id": identifier(),
            "child_id": identifier(),
            "referral_date": date_field(month_end, required=True),
            "referral_source": text(),
            # blank for an unborn child
            "date_of_birth": date_field(month_end, earliest=earliest_birth(month_end)),
        },
        name="referrals",
    )


CONTRACT = Contract("referrals", "event", ("referral_id",), schema)
