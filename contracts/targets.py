"""reference/targets.csv: indicator targets by financial year.

district_code blank = every district and the county; ALL = the county only.
tolerance_pct blank = 0.
"""

from collections.abc import Collection

import pandas as pd
import pandera.pandas as pa
from pandera import Check

from contracts.base import Contract
from contracts.districts import COUNTY_CODE
from contracts.fields import in_upper_codes, number, text_of, upper_code


def _is_financial_year(values: pd.Series) -> pd.Series:
    """`2011-12`: April 2011 to March 2012, so the second part follows the first."""
    parts = text_of(values).str.strip().str.extract(r"^(\d{4})-(\d{2})$").astype("float64")
    return ((parts[0] + 1) % 100).eq(parts[1])


def schema(
    districts: Collection[str] = (), indicator_codes: Collection[str] = ()
) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "indicator_code": upper_code(
                [in_upper_codes(indicator_codes, "is not an indicator code of indicators.md")]
            ),
            "financial_year": upper_code(
                [Check(_is_financial_year, error="is not a financial year like 2011-12")]
            ),
            "district_code": upper_code(
                [in_upper_codes({*districts, COUNTY_CODE}, "is not ALL or a listed district")],
                required=False,
            ),
            "target": number(),
            "tolerance_pct": number(required=False, ge=0),
        },
        name="targets",
    )


def tolerance_blank_is_zero(records: pd.DataFrame) -> pd.DataFrame:
    return records.assign(tolerance_pct=records["tolerance_pct"].fillna(0.0))


CONTRACT = Contract(
    "targets",
    "reference",
    ("indicator_code", "financial_year", "district_code"),
    schema,
    tolerance_blank_is_zero,
)
