"""A district-month is read again only when its folder may have changed
(orchestration.loading.unchanged), and skipping it changes no row."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from orchestration import warehouse
from orchestration.landing import scan_landing
from orchestration.loading.unchanged import listing, loader_version, plan
from orchestration.pseudonym import Pseudonymiser, load_key
from tests.conftest import DISTRICTS_CSV, land, query
from tests.orchestration.test_ingest import snapshot

HEADER = "referral_id,child_id,referral_date\n"
LANDING = {
    "reference/districts.csv": DISTRICTS_CSV,
    "2011-04/NOR/referrals.csv": HEADER + "R1,C1,2011-04-05\nR2,C2,bad\n",
    "2011-04/SOU/referrals.csv": HEADER + "R3,C3,2011-04-06\n",
    "2011-05/NOR/referrals.csv": HEADER + "R4,C4,2011-05-02\n",
}
PARTITIONS = [("2011-04", "NOR"), ("2011-04", "SOU"), ("2011-05", "NOR"), ("2011-05", "SOU")]
FIRST_RUN = datetime(2012, 1, 5, 9, 0)
SECOND_RUN = datetime(2012, 1, 6, 9, 0)
LOADER = loader_version(Pseudonymiser(load_key()))


@pytest.fixture
def loaded(landing: Path, tmp_path: Path, load_into) -> Path:
    land(landing, LANDING)
    work_db = tmp_path / "work.duckdb"
    load_into(landing, work_db, FIRST_RUN)
    return work_db


def planned(landing: Path, work_db: Path, loader: str = LOADER, reload: bool = False):
    scanned = scan_landing(landing, ["NOR", "SOU"])
    with warehouse.connect(work_db) as con:
        return plan(con, scanned, PARTITIONS, loader, reload)


def test_after_a_load_every_partition_with_a_folder_is_unchanged(landing, loaded):
    todo = planned(landing, loaded)
    assert todo.unchanged == [("2011-04", "NOR"), ("2011-04", "SOU"), ("2011-05", "NOR")]
    assert todo.load == [("2011-05", "SOU")]  # no folder: cleared, which costs nothing
    assert len(todo.fingerprints) == 0  # nothing was hashed: the listings matched
    assert query(loaded, "SELECT count(*) FROM raw.partition_fingerprints") == [(3,)]


def test_a_touched_file_is_hashed_not_loaded_and_its_new_listing_kept(landing, loaded, load_into):
    before = snapshot(loaded)
    os.utime(landing / "2011-04/NOR/referrals.csv", (1e9, 1e9))
    todo = planned(landing, loaded)
    assert ("2011-04", "NOR") in todo.unchanged
    assert len(todo.fingerprints) == 1  # hashed, found the same bytes
    load_into(landing, loaded, SECOND_RUN)
    after = snapshot(loaded)
    # the new listing is kept, so the next run need not hash it; no other row changed
    changed = {table for table in before if before[table] != after[table]}
    assert changed == {"raw.partition_fingerprints"}
    assert planned(landing, loaded).fingerprints.empty


def test_new_bytes_of_the_same_size_and_modification_time_are_loaded(landing, loaded, load_into):
    path = landing / "2011-04/NOR/referrals.csv"
    times = path.stat()
    path.write_text(HEADER + "R1,C1,2011-04-07\nR2,C2,bad\n")  # 05 -> 07: same size
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert path.stat().st_size == times.st_size
    assert planned(landing, loaded).load == [("2011-04", "NOR"), ("2011-05", "SOU")]
    load_into(landing, loaded, SECOND_RUN)
    assert query(
        loaded, "SELECT referral_id, referral_date::VARCHAR FROM raw.referrals ORDER BY 1"
    ) == [("R1", "2011-04-07"), ("R3", "2011-04-06"), ("R4", "2011-05-02")]


def test_a_file_added_beside_the_extracts_is_audited(landing, loaded, load_into):
    land(landing, {"2011-05/NOR/notes.txt": "not an extract"})
    assert ("2011-05", "NOR") in planned(landing, loaded).load
    load_into(landing, loaded, SECOND_RUN)
    assert query(
        loaded, "SELECT status, error FROM audit.submissions WHERE path = '2011-05/NOR/notes.txt'"
    ) == [("ignored", "not an extract file name")]


def test_another_loader_or_a_reload_reads_everything(landing, loaded):
    assert planned(landing, loaded, loader="other code or key").unchanged == []
    assert planned(landing, loaded, reload=True).unchanged == []


def test_skipping_and_reloading_leave_the_same_rows(landing, loaded, load_into, tmp_path):
    """The same landing loaded twice, skipping, equals it loaded once into a new database."""
    load_into(landing, loaded, SECOND_RUN)
    fresh = tmp_path / "fresh.duckdb"
    load_into(landing, fresh, FIRST_RUN)
    assert snapshot(loaded) == snapshot(fresh)


def test_a_listing_covers_name_kind_size_and_times(landing, loaded):
    scanned = scan_landing(landing, ["NOR", "SOU"])
    key = ("2011-04", "NOR")
    first = listing(scanned, key)
    assert listing(scanned, key) == first
    (landing / "2011-04/NOR/referrals.csv").rename(landing / "2011-04/NOR/Referrals.csv")
    renamed = listing(scanned, key)
    assert renamed != first
    (landing / "2011-04/NOR/sub").mkdir()
    assert listing(scanned, key) not in {first, renamed}
