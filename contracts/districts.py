"""reference/districts.csv: the districts of the county. Whatever it lists are the districts."""

import pandera.pandas as pa
from pandera import Check

from contracts.base import Contract
from contracts.fields import matches, text, upper_code

DISTRICT_CODE = r"[A-Z0-9_]{2,12}"
COUNTY_CODE = "ALL"


def schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "district_code": upper_code(
                [
                    matches(DISTRICT_CODE, "must be 2 to 12 of A-Z, 0-9 or _"),
                    Check(lambda s: s.ne(COUNTY_CODE), error="ALL is reserved for the county"),
                ]
            ),
            "district_name": text(required=True),
        },
        name="districts",
    )


CONTRACT = Contract("districts", "reference", ("district_code",), schema)
