"""Ingestion of the generated demo landing: exactly the generator's faults are rejected.

The generator records every bad row, broken file and junk path it writes; the audit
must name exactly those, and every other row read must be loaded.
"""

from collections import Counter
from pathlib import Path

import pytest

from scorecard_demo import generate_landing
from tests.conftest import query
from tests.orchestration.conftest import load_landing


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("generated")
    manifest = generate_landing(folder / "landing")
    load_landing(folder / "landing", folder / "work.duckdb")
    return manifest, folder / "work.duckdb"


def test_exact_loaded_and_rejected_counts(generated):
    manifest, work_db = generated
    files = query(
        work_db,
        "SELECT status, count(*), sum(rows_read), sum(rows_loaded), sum(rows_rejected) "
        "FROM audit.submissions WHERE district_code IS NOT NULL AND extract IS NOT NULL "
        "GROUP BY status ORDER BY status",
    )
    # seed 2012, Apr 2010 - Mar 2012: 2,304 district extract files, one of them broken
    # (its 59 rows are not read); 357,353 rows read, the generator's 97 bad rows rejected
    broken = {rejected.path for rejected in manifest.rejected_files}
    written = sum(
        landed.data_rows
        for landed in manifest.files
        if landed.district_code and landed.path not in broken
    )
    assert (len(manifest.bad_rows), written) == (97, 357_353)
    assert files == [
        ("loaded", 2303, 357_353, 357_353 - 97, 97),
        ("rejected", 1, None, None, None),
    ]


def test_every_rejected_row_is_a_row_the_generator_broke(generated):
    manifest, work_db = generated
    rejected = query(work_db, "SELECT path, line_number FROM audit.rejected_rows")
    assert Counter(rejected) == Counter((bad.path, bad.line_number) for bad in manifest.bad_rows)


def test_each_file_loads_every_row_it_did_not_break(generated):
    manifest, work_db = generated
    bad = Counter(row.path for row in manifest.bad_rows)
    audit = {
        path: (read, loaded, rejected)
        for path, read, loaded, rejected in query(
            work_db,
            "SELECT path, rows_read, rows_loaded, rows_rejected FROM audit.submissions "
            "WHERE status = 'loaded' AND district_code IS NOT NULL",
        )
    }
    broken = {rejected.path for rejected in manifest.rejected_files}
    expected = {
        landed.path: (landed.data_rows, landed.data_rows - bad[landed.path], bad[landed.path])
        for landed in manifest.files
        if landed.district_code and landed.path not in broken
    }
    assert audit == expected


def test_the_broken_file_is_rejected_whole_and_junk_is_ignored(generated):
    manifest, work_db = generated
    statuses = dict(query(work_db, "SELECT path, status FROM audit.submissions"))
    for rejected in manifest.rejected_files:
        assert statuses[rejected.path] == "rejected"
    for junk in manifest.junk_paths:
        assert statuses[junk.path.rstrip("/")] == "ignored", junk
    assert not list(Path(manifest.out_dir).rglob("*.publishing"))
