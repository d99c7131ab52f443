"""Benchmark of ingestion: read, pseudonymise, check, write.

Times every month of the demo landing (Kent volumes) after process start-up, the
way the district_extracts asset does it (a month's districts judged together), and
optionally the whole pipeline run.

    uv run python benchmarks/ingest.py [--landing DIR] [--pipeline]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SCORECARD_PSEUDONYM_KEY", "benchmark-pseudonym-key-of-32-bytes")

from orchestration import warehouse  # noqa: E402
from orchestration.dates import now_utc  # noqa: E402
from orchestration.loading.districts import scan_listed  # noqa: E402
from orchestration.loading.months import load_month  # noqa: E402
from orchestration.pseudonym import Pseudonymiser, load_key  # noqa: E402
from orchestration.recording.district_months import write_district_months  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--landing", type=Path)
    parser.add_argument("--pipeline", action="store_true", help="also time a full scorecard run")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="scorecard-ingest-"))
    landing = args.landing
    if landing is None:
        from scorecard_demo import generate_landing

        landing = folder / "landing"
        generate_landing(landing)

    listed = scan_listed(landing)
    listed.require_districts()  # no districts.csv, nothing to time
    scanned = listed.landing
    pseudonymiser = Pseudonymiser(load_key())
    now = now_utc()
    by_month: dict[str, list[str]] = {}
    for month, district in sorted(scanned.district_folders):
        by_month.setdefault(month, []).append(district)
    read_and_check, write, rows = [], [], 0
    with warehouse.connect(folder / "work.duckdb") as con:
        for month, districts_of_month in by_month.items():
            started = time.perf_counter()
            load = load_month(scanned, month, districts_of_month, pseudonymiser, now)
            checked = time.perf_counter()
            partitions = [(month, district) for district in districts_of_month]
            write_district_months(con, scanned, partitions, load)
            read_and_check.append(checked - started)
            write.append(time.perf_counter() - checked)
            rows += sum(row.get("rows_read") or 0 for row in load.submissions)
    total = [a + b for a, b in zip(read_and_check, write, strict=True)]
    partitions = len(scanned.district_folders)
    print(
        f"{partitions} district-months in {len(total)} months, {rows:,} rows: per month "
        f"(all districts) median {statistics.median(total) * 1000:.0f} ms (read+check "
        f"{statistics.median(read_and_check) * 1000:.0f} ms, write "
        f"{statistics.median(write) * 1000:.0f} ms), max {max(total) * 1000:.0f} ms; "
        f"{sum(total) / partitions * 1000:.0f} ms per district-month on average; "
        f"{rows / sum(total):,.0f} rows/s"
    )

    if args.pipeline:
        from orchestration.build import build_warehouse
        from orchestration.settings import Settings

        started = time.perf_counter()
        outcome = build_warehouse(Settings.resolve(landing, folder / "out" / "scorecard.duckdb"))
        print(f"full pipeline run: {time.perf_counter() - started:.1f} s ({outcome.message})")


if __name__ == "__main__":
    main()
