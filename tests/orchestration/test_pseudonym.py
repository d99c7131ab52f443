"""Keyed pseudonyms for child_id: where the key comes from, and that two keys never mix."""

from __future__ import annotations

import stat

import pandas as pd

from orchestration import ingest, warehouse
from orchestration.landing import scan_landing
from orchestration.pseudonym import Pseudonymiser, load_key
from tests.conftest import DISTRICTS_CSV, land, query


def test_the_key_comes_from_the_environment_first(monkeypatch, tmp_path):
    monkeypatch.setenv("SCORECARD_PSEUDONYM_KEY", "from-the-environment")
    monkeypatch.setenv("SCORECARD_PSEUDONYM_KEY_FILE", str(tmp_path / "unused.key"))
    assert load_key() == b"from-the-environment"
    assert not (tmp_path / "unused.key").exists()


def test_without_one_a_key_file_is_created_once_readable_by_its_owner_only(monkeypatch, tmp_path):
    key_file = tmp_path / "config" / "pseudonym.key"
    monkeypatch.delenv("SCORECARD_PSEUDONYM_KEY")
    monkeypatch.setenv("SCORECARD_PSEUDONYM_KEY_FILE", str(key_file))
    first = load_key()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) == 64  # 32 random bytes as hex
    assert load_key() == first  # the same key, hence the same pseudonyms, next time


def test_the_same_child_gets_the_same_pseudonym_and_different_children_differ():
    pseudonymiser = Pseudonymiser(b"key")
    pseudonyms = pseudonymiser.column(pd.Series(["C1", "C2", "C1", None], dtype=object))
    assert pseudonyms.iloc[0] == pseudonyms.iloc[2] == pseudonymiser.one("C1")
    assert pseudonyms.iloc[1] != pseudonyms.iloc[0]
    assert pseudonyms.iloc[3] is None
    assert Pseudonymiser(b"other key").one("C1") != pseudonymiser.one("C1")


def test_a_change_of_key_forgets_every_partition_so_two_keys_never_mix(landing, tmp_path):
    # loaded under key A, the partition is dropped as soon as key B writes the reference
    land(
        landing,
        {
            "reference/districts.csv": DISTRICTS_CSV,
            "2011-04/NOR/referrals.csv": "referral_id,child_id,referral_date\nR1,C1,2011-04-05\n",
        },
    )
    work_db = tmp_path / "work.duckdb"
    now = ingest.now_utc()
    load, districts = ingest.load_reference(scan_landing(landing, []), [], now)
    scanned = scan_landing(landing, districts)
    with warehouse.connect(work_db) as con:
        key_a = Pseudonymiser(b"key A")
        ingest.write_reference(con, scanned, load, key_a, now)
        month = ingest.load_district_month(scanned, "2011-04", "NOR", key_a, now)
        ingest.write_district_months(con, scanned, [("2011-04", "NOR")], month)
        assert con.execute("SELECT count(*) FROM raw.referrals").fetchall() == [(1,)]
        load, _ = ingest.load_reference(scan_landing(landing, []), [], now)
        ingest.write_reference(con, scanned, load, Pseudonymiser(b"key B"), now)
    assert query(work_db, "SELECT count(*) FROM raw.referrals") == [(0,)]
    assert query(work_db, "SELECT count(*) FROM audit.submissions WHERE district_code = 'NOR'") == [
        (0,)
    ]
