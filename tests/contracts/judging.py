"""Judging a small hand-made CSV against one contract, as ingest does (minus pseudonyms).

The month is April 2011 unless a test says otherwise, so every date must lie between
1990-01-01 and 2011-04-30.
"""

from __future__ import annotations

from datetime import date

from contracts.base import Validated, validate
from contracts.registry import DISTRICT_EXTRACTS, REFERENCE_FILES
from orchestration.reading.cells import read_table

APRIL_2011_END = date(2011, 4, 30)
LISTED = ("NOR", "SOU")
INDICATORS = ("REF_COUNT", "LAC_RATE")


def judge_csv(extract: str, text: str, **context) -> Validated:
    """Read ``text`` as ``<extract>.csv`` and judge it with the extract's contract."""
    contract = {**DISTRICT_EXTRACTS, **REFERENCE_FILES}[extract]
    context = {
        "month_end": APRIL_2011_END,
        "districts": LISTED,
        "indicator_codes": INDICATORS,
    } | context
    table = read_table(f"{extract}.csv", text.encode("utf-8"))
    return validate(table.cells, contract, contract.schema(**context))


def rejections(validated: Validated) -> list[tuple[int, str, str]]:
    """(line, column, reason) of every rejected row, in line order."""
    return [
        (int(line), column, reason)
        for line, column, reason in validated.rejected[
            ["line_number", "column_name", "reason"]
        ].itertuples(index=False)
    ]


def record(validated: Validated, line: int) -> dict:
    """The typed record that starts on ``line``."""
    return validated.records.loc[line].to_dict()
