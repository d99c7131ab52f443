"""Months read by worker processes are written exactly as when read here
(orchestration.loading.parallel)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from orchestration import warehouse
from orchestration.landing import scan_landing
from orchestration.loading.parallel import month_loads
from orchestration.pseudonym import Pseudonymiser, load_key
from orchestration.recording.district_months import load_district_months
from tests.conftest import DISTRICTS_CSV, land
from tests.orchestration.test_ingest import snapshot

HEADER = "referral_id,child_id,referral_date\n"
MONTHS = ["2011-04", "2011-05", "2011-06", "2011-07", "2011-08"]
NOW = datetime(2012, 1, 5, 9, 0)


def landed(root: Path) -> Path:
    files = {"reference/districts.csv": DISTRICTS_CSV}
    for number, month in enumerate(MONTHS):
        files[f"{month}/NOR/referrals.csv"] = (
            f"{HEADER}R{number},C{number},{month}-03\nX{number},C9,not a date\n"
        )
        files[f"{month}/SOU/cp_plans.csv"] = "plan_id,child_id,start_date,category\n"
    return land(root, files)


def loaded(landing: Path, work_db: Path, **parallel) -> dict:
    scanned = scan_landing(landing, ["NOR", "SOU"])
    partitions = [(month, district) for month in MONTHS for district in ("NOR", "SOU")]
    lines = []
    with warehouse.connect(work_db) as con:
        load = load_district_months(
            con, scanned, partitions, Pseudonymiser(load_key()), NOW, say=lines.append, **parallel
        )
    assert lines == [
        f"{month}: loaded 2 district-month partition(s), 0 unchanged since loaded"
        for month in MONTHS
    ]
    return {"audit": sorted(map(repr, load.submissions)), **snapshot(work_db)}


def test_months_read_in_worker_processes_are_written_as_if_read_here(tmp_path):
    landing = landed(tmp_path / "landing")
    here = loaded(landing, tmp_path / "here.duckdb", processes=1)
    workers = loaded(landing, tmp_path / "workers.duckdb", processes=2, parallel_from=1)
    assert workers == here
    assert len(here["raw.referrals"]) == 5
    assert len(here["audit.rejected_rows"]) == 5


def test_months_come_back_in_order_a_few_at_a_time(tmp_path):
    landing = landed(tmp_path / "landing")
    scanned = scan_landing(landing, ["NOR", "SOU"])
    months = [(month, ["NOR"]) for month in MONTHS]
    loads = month_loads(scanned, months, Pseudonymiser(load_key()), NOW, 2, parallel_from=1)
    paths = [load.submissions[0]["path"] for load in loads]
    assert paths == [f"{month}/NOR/referrals.csv" for month in MONTHS]
