"""What `scorecard show` and `scorecard report` say about their arguments: one sentence
on stderr and an exit status (2 for a bad argument, 1 for a missing warehouse) rather
than a traceback, written once for both commands."""

from __future__ import annotations

import sys
from pathlib import Path


def fail(sentence: str, status: int) -> int:
    print(sentence, file=sys.stderr)
    return status


def warehouse_and_month_refused(warehouse: Path, month: str | None) -> int | None:
    """The exit status after saying why, or None when both arguments can be used."""
    from orchestration.landing import is_month  # loads the contracts: only when needed

    if month is not None and not is_month(month):
        return fail(f"--month must be a month written YYYY-MM, such as 2011-12, not {month!r}.", 2)
    if not warehouse.is_file():
        return fail(
            f"There is no published warehouse at {warehouse}: run `scorecard run` first, "
            "or give its path with --warehouse.",
            1,
        )
    return None
