"""England-scale benchmark of the warehouse build (dbt over DuckDB).

Fills a working database's raw tables, set-based in DuckDB, with about 150 districts
and ten years of synthetic records at national volumes, then times `dbt build` and
reports its peak memory. Not a test: speed goals live here, not in timed tests.

    uv run python benchmarks/england_scale.py [--districts 150] [--years 10] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from orchestration import warehouse  # noqa: E402
from orchestration.working_days import FIRST_YEAR, bank_holidays  # noqa: E402

EXTRACTS = [
    "referrals", "initial_assessments", "core_assessments", "cp_plans", "looked_after",
    "allocations", "workforce", "establishment",
]  # fmt: skip

# Per district and month, roughly England's volumes divided by 150 districts.
FILL = """
CREATE TEMP TABLE months AS
    SELECT (DATE '{first}' + INTERVAL (m) MONTH)::DATE AS month_start, m
    FROM range({months}) t(m);
CREATE TEMP TABLE districts AS
    SELECT 'D' || lpad(d::VARCHAR, 3, '0') AS district_code, d FROM range({districts}) t(d);

INSERT INTO raw.districts SELECT 'districts.csv', d + 2, district_code, 'District ' || d FROM districts;
INSERT INTO raw.population
    SELECT 'population.csv', 2, district_code, y, 60000 + (hash(district_code) % 40000)
    FROM districts, range({first_year}, {last_year} + 1) t(y);
INSERT INTO raw.district_folders SELECT month_start, district_code FROM months, districts;
INSERT INTO audit.submissions (reporting_month, district_code, extract, file_name, path, status)
    SELECT month_start, district_code, e, e || '.csv', '', 'loaded'
    FROM months, districts, (SELECT unnest({extracts}) AS e);

-- events: each record submitted in the month of its first date
INSERT INTO raw.referrals
    SELECT month_start, district_code, 'referrals.csv', r + 2, 'R' || r, 'C' || hash(district_code, m, r) % 900000,
           month_start + (r % 28)::INTEGER, NULL, NULL
    FROM months, districts, range(370) t(r);
INSERT INTO raw.initial_assessments
    SELECT month_start, district_code, 'initial_assessments.csv', r + 2, 'IA' || m || '_' || r,
           'C' || hash(district_code, m, r) % 900000,
           month_start + (r % 20)::INTEGER, month_start + (r % 20 + 1)::INTEGER,
           CASE WHEN r % 10 < 9 THEN month_start + (r % 20 + 1 + r % 12)::INTEGER END
    FROM months, districts, range(310) t(r);
INSERT INTO raw.core_assessments
    SELECT month_start, district_code, 'core_assessments.csv', r + 2, 'CA' || m || '_' || r,
           'C' || hash(district_code, m, r) % 900000,
           month_start + (r % 25)::INTEGER,
           CASE WHEN r % 10 < 8 THEN month_start + (r % 25 + 20 + r % 40)::INTEGER END
    FROM months, districts, range(150) t(r);
INSERT INTO raw.cp_plans
    SELECT month_start, district_code, 'cp_plans.csv', r + 2, 'P' || m || '_' || r,
           'C' || hash(district_code, m, r) % 900000, month_start + (r % 28)::INTEGER,
           CASE WHEN r % 3 > 0 THEN month_start + (r % 28 + 120 + r * 7 % 300)::INTEGER END, 'neglect'
    FROM months, districts, range(35) t(r);
INSERT INTO raw.looked_after
    SELECT month_start, district_code, 'looked_after.csv', r + 2, 'L' || m || '_' || r,
           'C' || hash(district_code, m, r) % 900000, month_start + (r % 28)::INTEGER,
           CASE WHEN r % 4 > 0 THEN month_start + (r % 28 + 200 + r * 13 % 900)::INTEGER END, NULL
    FROM months, districts, range(25) t(r);

-- snapshots: every month's full state
INSERT INTO raw.workforce
    SELECT month_start, district_code, 'workforce.csv', w + 2, 'W' || w, 'T' || (w % 12),
           CASE WHEN w % 12 < 7 THEN 'fieldwork' ELSE 'looked_after' END,
           w % 10 > 0, CASE WHEN w % 9 = 0 THEN 'agency' ELSE 'permanent' END, 1.0 - (w % 4) * 0.1
    FROM months, districts, range(110) t(w);
INSERT INTO raw.establishment
    SELECT month_start, district_code, 'establishment.csv', t + 2, 'T' || t,
           CASE WHEN t < 7 THEN 'fieldwork' ELSE 'looked_after' END, 8.5
    FROM months, districts, range(12) t(t);
INSERT INTO raw.allocations
    SELECT month_start, district_code, 'allocations.csv', c + 2, 'K' || c, 'C' || hash(district_code, c) % 900000,
           month_start - 30, CASE WHEN c % 50 > 0 THEN 'W' || (c % 110) END,
           CASE WHEN c % 50 = 0 THEN month_start - (c % 40)::INTEGER END
    FROM months, districts, range(2000) t(c);
"""


def peak_memory_mib(children: bool) -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    return usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--districts", type=int, default=150)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="keep the working database in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="scorecard-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    work_db = folder / "work.duckdb"
    work_db.unlink(missing_ok=True)

    months = args.years * 12
    first_year = 2025 - args.years
    started = time.perf_counter()
    with warehouse.connect(work_db) as con:
        con.execute(
            FILL.format(
                first=f"{first_year}-04-01",
                months=months,
                districts=args.districts,
                first_year=first_year,
                last_year=first_year + args.years,
                extracts=EXTRACTS,
            )
        )
        holidays = bank_holidays(FIRST_YEAR, first_year + args.years + 1)
        con.executemany("INSERT INTO raw.bank_holidays VALUES (?, ?)", holidays)
        rows = {
            table: con.execute(f"SELECT count(*) FROM raw.{table}").fetchone()[0]
            for table in EXTRACTS
        }
    print(f"filled raw tables in {time.perf_counter() - started:.1f} s: {rows}")

    env = {**os.environ, "SCORECARD_WORK_DB": str(work_db)}
    dbt = Path(sys.executable).with_name("dbt")
    started = time.perf_counter()
    subprocess.run(
        [
            str(dbt),
            "build",
            "--exclude-resource-type",
            "unit_test",
            "--quiet",
            "--project-dir",
            str(ROOT / "dbt_project"),
            "--profiles-dir",
            str(ROOT / "dbt_project"),
            "--target-path",
            str(folder / "target"),
            "--log-path",
            str(folder / "logs"),
        ],  # fmt: skip
        check=True,
        env=env,
    )
    elapsed = time.perf_counter() - started
    with duckdb.connect(str(work_db), read_only=True) as con:
        grid = con.execute("SELECT count(*) FROM marts.scorecard_monthly").fetchone()[0]
    print(
        f"dbt build ({args.districts} districts x {months} months, {grid:,} scorecard rows): "
        f"{elapsed:.1f} s, peak memory of dbt {peak_memory_mib(children=True):,.0f} MiB"
    )


if __name__ == "__main__":
    main()
