"""reference/population.csv: mid-year 0-17 population estimates by district and year."""

from collections.abc import Collection

import pandera.pandas as pa
from pandera import Check

from contracts.base import Contract
from contracts.fields import in_upper_codes, integer, parse_integer, upper_code


def schema(districts: Collection[str] = ()) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "district_code": upper_code([in_upper_codes(districts, "is not a listed district")]),
            "year": integer(),
            "population_0_17": integer(
                checks=[Check(lambda s: ~(parse_integer(s) <= 0), error="must be greater than 0")]
            ),
        },
        name="population",
    )


CONTRACT = Contract("population", "reference", ("district_code", "year"), schema)
