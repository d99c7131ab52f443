"""`scorecard report`: the committee pack of a published warehouse, as a command."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.arguments import fail, warehouse_and_month_refused
from orchestration.settings import Settings


def report(settings: Settings, month: str | None, out: str | None) -> int:
    """Write the pack and say where; a bad argument exits 2, an unreadable warehouse 1,
    each with one sentence rather than a traceback (as `scorecard show`)."""
    from orchestration.pack.render import write_pack

    warehouse = settings.warehouse
    if (refused := warehouse_and_month_refused(warehouse, month)) is not None:
        return refused
    try:
        summary = write_pack(warehouse, Path(out) if out else None, month, settings.reports_dir)
    except ValueError as problem:  # a month the warehouse does not hold
        return fail(str(problem), 2)
    except duckdb.Error as problem:
        reason = str(problem).splitlines()[0]
        return fail(f"{warehouse} is not a published scorecard warehouse ({reason}).", 1)
    print(summary.sentence() + ".")
    return 0


def written_pack(settings: Settings) -> str:
    """Where the run just wrote the committee's pack (the demo's last line)."""
    from orchestration.report import default_month

    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        month, _ = default_month(con)
    if month is None:
        return "The warehouse holds no month, so there is no committee pack."
    path = settings.reports_dir / f"{month:%Y-%m}.html"
    if not path.is_file():
        return f"No committee pack was written to {path}: run `scorecard report`."
    return f"The committee pack for {month:%B %Y} is {path} (open it in a browser)."
