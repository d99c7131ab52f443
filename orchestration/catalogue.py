"""The indicator catalogue, read from the dbt seed that is its one definition."""

from __future__ import annotations

import csv
from functools import cache

from orchestration.settings import DBT_PROJECT_DIR

INDICATORS_SEED = DBT_PROJECT_DIR / "seeds" / "indicators.csv"


@cache
def indicators() -> tuple[dict[str, str], ...]:
    """The catalogue's rows, in the order indicators.md lists them."""
    with INDICATORS_SEED.open(newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def indicator_codes() -> list[str]:
    return [row["indicator_code"] for row in indicators()]


def needed_extracts(needs: str) -> list[str]:
    """The extracts of an indicator's `needs`, which the seed separates by `|`
    (indicators.yml: `workforce|establishment`), in the order it lists them."""
    return [name.strip() for name in needs.split("|")]
