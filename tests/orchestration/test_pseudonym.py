"""Keyed pseudonyms for child_id: where the key comes from, and that two keys never mix."""

from __future__ import annotations

import stat

import pandas as pd
import pytest

from orchestration import warehouse
from orchestration.dates import now_utc
from orchestration.loading.districts import scan_listed
from orchestration.loading.months import load_district_month
from orchestration.loading.reference import load_reference
from orchestration.pseudonym import KeyRejected, Pseudonymiser, load_key
from orchestration.recording.district_months import write_district_months
from orchestration.recording.pseudonym_key import KeyChanged, require_same_key
from orchestration.recording.reference import write_reference
from tests.conftest import DISTRICTS_CSV, land, query


def test_the_key_comes_from_the_environment_first(monkeypatch, tmp_path):
    monkeypatch.setenv("SCORECARD_PSEUDONYM_KEY", "from-the-environment-" + "x" * 11)
    monkeypatch.setenv("SCORECARD_PSEUDONYM_KEY_FILE", str(tmp_path / "unused.key"))
    assert load_key() == b"from-the-environment-xxxxxxxxxxx"
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
    now = now_utc()
    listed = scan_listed(landing, now)
    load, scanned = load_reference(listed, [], now), listed.landing
    with warehouse.connect(work_db) as con:
        key_a = Pseudonymiser(b"key A")
        write_reference(con, scanned, load, key_a, now)
        month = load_district_month(scanned, "2011-04", "NOR", key_a, now)
        write_district_months(con, scanned, [("2011-04", "NOR")], month)
        assert con.execute("SELECT count(*) FROM raw.referrals").fetchall() == [(1,)]
        load = load_reference(scan_listed(landing, now), [], now)
        write_reference(con, scanned, load, Pseudonymiser(b"key B"), now)
    assert query(work_db, "SELECT count(*) FROM raw.referrals") == [(0,)]
    assert query(work_db, "SELECT count(*) FROM audit.submissions WHERE district_code = 'NOR'") == [
        (0,)
    ]


SHORT_KEY_ADVICE = (
    "must be at least 32 (for example 64 hex characters from "
    "`python -c 'import secrets; print(secrets.token_hex(32))'`)"
)


@pytest.mark.parametrize(
    ("content", "length"), [("", 0), (" \n\t\n", 0), ("short-key\n", 9), ("k" * 31, 31)]
)
def test_a_key_file_shorter_than_32_bytes_is_refused(monkeypatch, tmp_path, content, length):
    """An empty key would make every pseudonym reversible by hashing every 7-digit id."""
    key_file = tmp_path / "pseudonym.key"
    key_file.write_text(content)
    monkeypatch.delenv("SCORECARD_PSEUDONYM_KEY")
    monkeypatch.setenv("SCORECARD_PSEUDONYM_KEY_FILE", str(key_file))
    with pytest.raises(KeyRejected) as refused:
        load_key()
    assert str(refused.value) == (
        f"the pseudonym key in {key_file} is {length} bytes long and {SHORT_KEY_ADVICE}"
    )


@pytest.mark.parametrize(("value", "length"), [("   ", 0), ("test-pseudonym-key", 18)])
def test_a_key_in_the_environment_shorter_than_32_bytes_is_refused(monkeypatch, value, length):
    monkeypatch.setenv("SCORECARD_PSEUDONYM_KEY", value)
    with pytest.raises(KeyRejected) as refused:
        load_key()
    assert str(refused.value) == (
        f"the pseudonym key in SCORECARD_PSEUDONYM_KEY is {length} bytes long and "
        + SHORT_KEY_ADVICE
    )


def test_a_key_of_exactly_32_bytes_is_accepted(monkeypatch):
    monkeypatch.setenv("SCORECARD_PSEUDONYM_KEY", "k" * 32)
    assert load_key() == b"k" * 32


def test_a_partial_load_under_another_key_is_refused_rather_than_mixed(landing, tmp_path):
    """district_month_update reloads some partitions without the reference files' key
    check: it must not add pseudonyms of a new key to partitions loaded under the old."""
    land(landing, {"reference/districts.csv": DISTRICTS_CSV})
    work_db = tmp_path / "work.duckdb"
    now = now_utc()
    listed = scan_listed(landing, now)
    load = load_reference(listed, [], now)
    with warehouse.connect(work_db) as con:
        write_reference(con, listed.landing, load, key_a := Pseudonymiser(b"key A"), now)
        require_same_key(con, key_a)  # the key the partitions were loaded with: fine
        with pytest.raises(KeyChanged) as refused:
            require_same_key(con, Pseudonymiser(b"key B"))
    assert str(refused.value) == (
        "the pseudonym key has changed since the working database was loaded, so every "
        "month must be reloaded with the new key: run `scorecard run` (or the scorecard_build "
        "job over every partition)"
    )


def test_the_first_partial_load_records_its_key(tmp_path):
    with warehouse.connect(tmp_path / "work.duckdb") as con:
        require_same_key(con, Pseudonymiser(b"key A"))
        with pytest.raises(KeyChanged):
            require_same_key(con, Pseudonymiser(b"key B"))


def test_a_district_month_run_under_a_changed_key_loads_nothing(landing, tmp_path):
    """The sensor's district_month_update does not reload the reference files: under a
    new key it stops, leaving the partitions loaded under the old key as they were."""
    from dagster import DagsterInstance, materialize

    from orchestration.assets.raw import district_extracts
    from orchestration.partitions import district_month_key, register
    from orchestration.resources import ScorecardResource

    referrals = "referral_id,child_id,referral_date\nR1,C1,2011-04-05\n"
    land(
        landing,
        {"reference/districts.csv": DISTRICTS_CSV, "2011-04/NOR/referrals.csv": referrals},
    )
    work_db = tmp_path / "work.duckdb"
    now = now_utc()
    old_key = Pseudonymiser(b"the key the working database was loaded with")
    listed = scan_listed(landing, now)
    load, scanned = load_reference(listed, [], now), listed.landing
    with warehouse.connect(work_db) as con:
        write_reference(con, scanned, load, old_key, now)
        month = load_district_month(scanned, "2011-04", "NOR", old_key, now)
        write_district_months(con, scanned, [("2011-04", "NOR")], month)

    instance = DagsterInstance.ephemeral()
    register(instance, ["2011-04"], listed.districts)
    result = materialize(
        [district_extracts],
        partition_key=district_month_key("2011-04", "NOR"),
        instance=instance,
        resources={
            "scorecard": ScorecardResource(
                landing_dir=str(landing),
                warehouse=str(tmp_path / "scorecard.duckdb"),
                work_db=str(work_db),
            )
        },
        raise_on_error=False,
    )
    assert not result.success
    (failure,) = [event for event in result.all_events if event.is_step_failure]
    assert "the pseudonym key has changed since the working database was loaded" in (
        failure.event_specific_data.error.message
    )
    assert query(work_db, "SELECT child_id FROM raw.referrals") == [(old_key.one("C1"),)]
