"""establishment (snapshot extract: budgeted case-holding FTE per team, keyed by team_code)."""

from datetime import date

import pandera.pandas as pa

from contracts.base import Contract
from contracts.fields import DATE_FLOOR, code, identifier, number
from contracts.workforce import TEAM_TYPES


def schema(month_end: date = DATE_FLOOR) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "team_code": identifier(),
            "team_type": code(TEAM_TYPES),
            "establishment_fte": number(ge=0),
        },
        name="establishment",
    )


CONTRACT = Contract("establishment", "snapshot", ("team_code",), schema)
