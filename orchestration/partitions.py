"""Partitions of the district extracts: reporting month x district.

Both dimensions are dynamic: the months are the month folders that land, and the
districts are whatever reference/districts.csv lists, so another county or another
period needs no code change. The landing sensor and the CLI add them as they are
found. A multi-partition key joins its dimensions in name order: "ASH|2011-12".
"""

from __future__ import annotations

from collections.abc import Iterable

from dagster import (
    DagsterInstance,
    DynamicPartitionsDefinition,
    MultiPartitionKey,
    MultiPartitionsDefinition,
)

MONTHS = DynamicPartitionsDefinition(name="month")
DISTRICTS = DynamicPartitionsDefinition(name="district")
DISTRICT_MONTHS = MultiPartitionsDefinition({"month": MONTHS, "district": DISTRICTS})


def district_month_key(month: str, district: str) -> MultiPartitionKey:
    return MultiPartitionKey({"month": month, "district": district})


def split_key(key: str) -> tuple[str, str]:
    """(month, district) of a district-month partition key."""
    dimensions = DISTRICT_MONTHS.get_partition_key_from_str(key).keys_by_dimension
    return dimensions["month"], dimensions["district"]


def register(instance: DagsterInstance, months: Iterable[str], districts: Iterable[str]) -> None:
    """Add any months and districts the instance does not know yet, in sorted order."""
    for definition, keys in ((MONTHS, months), (DISTRICTS, districts)):
        known = set(instance.get_dynamic_partitions(definition.name))
        new = sorted(set(keys) - known)
        if new:
            instance.add_dynamic_partitions(definition.name, new)
