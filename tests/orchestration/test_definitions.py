"""The one Definitions object, snapshotted: an accidental change to an asset key, group,
partitioning, check, job, schedule or sensor shows up in review.

After an intended change, rewrite it:
    SCORECARD_UPDATE_SNAPSHOT=1 uv run pytest tests/orchestration/test_definitions.py
"""

import json
import os
from pathlib import Path

from dagster import AssetKey

from orchestration.definitions import defs

SNAPSHOT = Path(__file__).with_name("definitions_snapshot.json")


def describe() -> dict:
    graph = defs.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        if not node.is_materializable:
            continue
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "partitions": type(node.partitions_def).__name__ if node.partitions_def else None,
        }
    checks = sorted(
        f"{check.asset_key.to_user_string()}:{check.name}"
        + (" (blocking)" if graph.get(check).blocking else "")
        for check in graph.asset_check_keys
    )
    return {
        "assets": assets,
        "asset_checks": checks,
        "jobs": {
            job.name: dict(job.tags)
            for job in sorted(defs.resolve_all_job_defs(), key=lambda job: job.name)
            if not job.name.startswith("__")
        },
        "schedules": {
            schedule.name: [
                schedule.cron_schedule,
                schedule.execution_timezone,
                schedule.job_name,
                schedule.default_status.value,
            ]
            for schedule in defs.schedules
        },
        "sensors": {
            sensor.name: {
                "jobs": sorted(job.name for job in sensor.jobs),
                "default_status": sensor.default_status.value,
            }
            for sensor in defs.sensors
        },
        "resources": sorted(defs.resources),
    }


def test_definitions_match_the_snapshot():
    current = describe()
    if os.getenv("SCORECARD_UPDATE_SNAPSHOT") or not SNAPSHOT.exists():
        SNAPSHOT.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    assert current == json.loads(SNAPSHOT.read_text())


def test_assets_are_grouped_by_layer():
    groups = {asset["group"] for asset in describe()["assets"].values()}
    assert groups == {"raw", "staging", "intermediate", "marts", "publish"}


def test_every_raw_table_and_mart_has_its_checks():
    checks = describe()["asset_checks"]
    for extract in ("referrals", "initial_assessments", "workforce", "population"):
        assert f"raw/{extract}:contract" in checks
    assert "marts/scorecard_monthly:great_expectations (blocking)" in checks
    assert "marts/scorecard_monthly:not_shrunk (blocking)" in checks
    assert any(check.startswith("marts/scorecard_monthly:unique_combination") for check in checks)


def test_nothing_runs_by_itself_until_an_operator_switches_it_on():
    """A first `dagster dev` must not start a build of all history: the sensor and the
    schedule start stopped and are switched on deliberately (README, "The Dagster UI")."""
    described = describe()
    statuses = {
        **{name: sensor["default_status"] for name, sensor in described["sensors"].items()},
        **{name: schedule[3] for name, schedule in described["schedules"].items()},
    }
    assert statuses == {"landing_sensor": "STOPPED", "monthly_scorecard": "STOPPED"}


def test_the_district_extracts_load_after_the_reference_files():
    """reference_files forgets every partition when the pseudonym key changed, so in a
    build it must run first and district_extracts then reload them all with the new key."""
    from orchestration.assets.raw import DISTRICT_FOLDERS, EXTRACT_KEYS, SUBMISSIONS

    graph = defs.resolve_asset_graph()
    for key in [*EXTRACT_KEYS.values(), DISTRICT_FOLDERS, SUBMISSIONS]:
        assert AssetKey(["raw", "districts"]) in graph.get(key).parent_keys, key


def test_the_sensors_district_month_runs_do_not_reload_the_reference_files():
    nodes = {node.name for node in defs.resolve_job_def("district_month_update").graph.nodes}
    assert "district_extracts" in nodes
    assert "reference_files" not in nodes
