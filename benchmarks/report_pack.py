"""How long the committee pack of one month takes to render (the goal: under 10 s for the
demo), from a published warehouse. Run `uv run scorecard demo` first, or give --warehouse.

    uv run python benchmarks/report_pack.py [--warehouse data/scorecard.duckdb] [--month 2012-03]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

started = time.perf_counter()
from orchestration.pack import write_pack  # noqa: E402  (matplotlib's import is timed too)

imported = time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", default="data/scorecard.duckdb", type=Path)
    parser.add_argument("--month", help="YYYY-MM (default: the committee's month)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        begun, cpu = time.perf_counter(), time.process_time()
        summary = write_pack(args.warehouse, Path(folder) / "pack.html", args.month)
        seconds, cpu = time.perf_counter() - begun, time.process_time() - cpu
        size = summary.path.stat().st_size
    print(
        f"Committee pack for {summary.month_label}: {summary.districts} districts x "
        f"{summary.indicators} indicators, {size / 1024:.0f} KiB; rendered in {seconds:.1f} s "
        f"({cpu:.1f} s of CPU: on a busy machine the difference is waiting) "
        f"(+ {imported:.1f} s importing the pack and matplotlib)"
    )


if __name__ == "__main__":
    main()
