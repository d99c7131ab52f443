"""The landing sensor requests exactly one run per new or changed district-month."""

import json
import os
from pathlib import Path

import pytest
from dagster import DagsterInstance, SensorResult, build_sensor_context

from orchestration import sensing
from orchestration.partitions import DISTRICTS, MONTHS
from orchestration.resources import ScorecardResource
from orchestration.sensing import landing_state
from orchestration.sensors import landing_sensor
from tests.conftest import DISTRICTS_CSV, land

REFERRALS = "referral_id,child_id,referral_date\nR1,C1,2011-04-05\n"


@pytest.fixture
def instance():
    with DagsterInstance.ephemeral() as instance:
        yield instance


def evaluate(instance: DagsterInstance, landing: Path, cursor: str | None) -> SensorResult:
    """One tick, then what the daemon does with its result: add the new partitions."""
    context = build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={
            "scorecard": ScorecardResource(
                landing_dir=str(landing),
                warehouse=str(landing.parent / "scorecard.duckdb"),
                work_db=str(landing.parent / "work.duckdb"),  # where the sensor keeps its state
            )
        },
    )
    result = landing_sensor(context)
    for request in result.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
    return result


def added_partitions(result: SensorResult) -> dict[str, list[str]]:
    return {
        request.partitions_def_name: list(request.partition_keys)
        for request in result.dynamic_partitions_requests or []
    }


def partition_requests(result: SensorResult) -> list[str]:
    return sorted(
        str(request.partition_key)
        for request in result.run_requests or []
        if request.job_name == "district_month_update"
    )


def job_names(result: SensorResult) -> list[str]:
    return sorted(request.job_name for request in result.run_requests or [])


def test_first_look_requests_the_reference_files_and_every_district_month(instance, landing):
    land(
        landing,
        {
            "reference/districts.csv": DISTRICTS_CSV,
            "2011-04/NOR/referrals.csv": REFERRALS,
            "2011-04/sou/referrals.csv": REFERRALS,  # folder names match in any case
        },
    )
    result = evaluate(instance, landing, None)
    assert job_names(result) == [
        "district_month_update",
        "district_month_update",
        "reference_update",
    ]
    assert partition_requests(result) == ["NOR|2011-04", "SOU|2011-04"]
    assert added_partitions(result) == {MONTHS.name: ["2011-04"], DISTRICTS.name: ["NOR", "SOU"]}


def test_an_unchanged_or_touched_file_requests_nothing(instance, landing):
    land(
        landing, {"reference/districts.csv": DISTRICTS_CSV, "2011-04/NOR/referrals.csv": REFERRALS}
    )
    first = evaluate(instance, landing, None)
    again = evaluate(instance, landing, first.cursor)
    assert not again.run_requests
    path = landing / "2011-04/NOR/referrals.csv"
    os.utime(path, (path.stat().st_atime + 3600, path.stat().st_mtime + 3600))
    touched = evaluate(instance, landing, again.cursor)
    assert not touched.run_requests


def test_a_new_file_requests_one_run_for_its_district_month(instance, landing):
    land(
        landing, {"reference/districts.csv": DISTRICTS_CSV, "2011-04/NOR/referrals.csv": REFERRALS}
    )
    first = evaluate(instance, landing, None)
    land(landing, {"2011-04/NOR/workforce.csv": "worker_id\n"})
    result = evaluate(instance, landing, first.cursor)
    assert job_names(result) == ["district_month_update"]
    assert partition_requests(result) == ["NOR|2011-04"]


def test_a_changed_file_requests_one_run_and_a_new_month_adds_its_partition(instance, landing):
    land(
        landing, {"reference/districts.csv": DISTRICTS_CSV, "2011-04/NOR/referrals.csv": REFERRALS}
    )
    first = evaluate(instance, landing, None)
    land(
        landing,
        {
            "2011-04/NOR/referrals.csv": REFERRALS + "R2,C2,2011-04-06\n",
            "2011-05/SOU/referrals.csv": REFERRALS,
        },
    )
    result = evaluate(instance, landing, first.cursor)
    assert partition_requests(result) == ["NOR|2011-04", "SOU|2011-05"]
    assert added_partitions(result) == {MONTHS.name: ["2011-05"]}


def test_junk_is_ignored(instance, landing):
    land(
        landing, {"reference/districts.csv": DISTRICTS_CSV, "2011-04/NOR/referrals.csv": REFERRALS}
    )
    first = evaluate(instance, landing, None)
    land(
        landing,
        {
            "2011-04/NOR/referrals (1).csv": REFERRALS,
            "2011-04/NOR/~$workforce.xlsx": b"lock",
            "tmp/notes.txt": "x",
            "2011-13/NOR/referrals.csv": REFERRALS,
            "2011-04/XYZ/referrals.csv": REFERRALS,
        },
    )
    (landing / "2011-04/NOR/looked_after.csv").symlink_to(landing / "2011-04/NOR/referrals.csv")
    result = evaluate(instance, landing, first.cursor)
    assert not result.run_requests


def test_the_cursor_stays_small_however_many_district_months_landed(instance, landing):
    """Dagster shows and stores the cursor on every tick: the digests live beside the
    working database, the cursor only names them."""
    months = [f"{year}-{month:02d}" for year in (2011, 2012) for month in range(1, 13)]
    land(
        landing,
        {
            "reference/districts.csv": DISTRICTS_CSV,
            **{
                f"{month}/{district}/referrals.csv": REFERRALS
                for month in months
                for district in ("NOR", "SOU")
            },
        },
    )
    first = evaluate(instance, landing, None)
    assert len(first.run_requests) == 1  # 48 district-months: one range run
    assert len(first.cursor) < 200
    land(landing, {"2012-12/SOU/referrals.csv": REFERRALS + "R2,C2,2012-12-06\n"})
    second = evaluate(instance, landing, first.cursor)
    assert partition_requests(second) == ["SOU|2012-12"]
    assert len(second.cursor) < 200
    assert not evaluate(instance, landing, second.cursor).run_requests


def test_a_tick_whose_cursor_was_not_kept_is_looked_at_again(instance, landing):
    """If Dagster fails to store a tick's cursor, the next tick starts from the last
    stored one and requests the same runs (same run keys), not nothing."""
    land(
        landing, {"reference/districts.csv": DISTRICTS_CSV, "2011-04/NOR/referrals.csv": REFERRALS}
    )
    first = evaluate(instance, landing, None)
    land(landing, {"2011-04/NOR/referrals.csv": REFERRALS + "R2,C2,2011-04-06\n"})
    lost = evaluate(instance, landing, first.cursor)
    again = evaluate(instance, landing, first.cursor)
    assert partition_requests(again) == ["NOR|2011-04"]
    assert [r.run_key for r in again.run_requests] == [r.run_key for r in lost.run_requests]
    assert not evaluate(instance, landing, again.cursor).run_requests


def test_a_cursor_from_before_the_state_file_is_still_understood(instance, landing):
    """An older deployment kept every digest in the cursor: upgrading requests nothing new."""
    land(
        landing, {"reference/districts.csv": DISTRICTS_CSV, "2011-04/NOR/referrals.csv": REFERRALS}
    )
    state = landing_state(landing)
    old = json.dumps(
        {
            "reference": state.reference,
            "partitions": {f"{m}|{d}": digest for (m, d), digest in state.partitions.items()},
        }
    )
    evaluate(instance, landing, None)  # the partitions are known
    result = evaluate(instance, landing, old)
    assert not result.run_requests
    assert len(result.cursor) < 200


def test_a_cursor_whose_state_has_gone_looks_afresh(instance, landing):
    """The state file deleted (a new working database): everything is requested again."""
    land(
        landing, {"reference/districts.csv": DISTRICTS_CSV, "2011-04/NOR/referrals.csv": REFERRALS}
    )
    first = evaluate(instance, landing, None)
    for path in landing.parent.glob("work.duckdb.landing-state/*"):
        path.unlink()
    result = evaluate(instance, landing, first.cursor)
    assert job_names(result) == ["district_month_update", "reference_update"]


def test_a_folder_whose_listing_is_unchanged_is_not_read_again(instance, landing, monkeypatch):
    """After the first look, a tick reads only the folders whose names, sizes or times
    changed (and the small reference files): a tick over years of history stays cheap."""
    land(
        landing,
        {
            "reference/districts.csv": DISTRICTS_CSV,
            "2011-04/NOR/referrals.csv": REFERRALS,
            "2011-04/SOU/referrals.csv": REFERRALS,
        },
    )
    first = evaluate(instance, landing, None)
    read = []
    digest = sensing._digest  # noqa: SLF001

    def reading(root, paths):
        read.append(sorted(path.relative_to(root).as_posix() for path in paths))
        return digest(root, paths)

    monkeypatch.setattr(sensing, "_digest", reading)
    land(landing, {"2011-04/NOR/workforce.csv": "worker_id\n"})
    result = evaluate(instance, landing, first.cursor)
    assert read == [
        ["2011-04/NOR/referrals.csv", "2011-04/NOR/workforce.csv"],
        ["reference/districts.csv"],
    ]
    assert partition_requests(result) == ["NOR|2011-04"]
