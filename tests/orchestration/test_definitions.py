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
            "table": node.metadata.get("dagster/table_name"),
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
    assert groups == {"raw", "staging", "intermediate", "marts", "publish", "report"}


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


DBT_INTERNALS = {
    "dagster_dbt/manifest",
    "dagster_dbt/dagster_dbt_translator",
    "dagster_dbt/project",
}
"""dagster-dbt keeps its manifest, translator and project as Python objects in every dbt
asset's definition metadata (its `dbt.cli(context=...)` reads them back at run time), so
the UI shows these three as "(unserializable)"; nothing else may be."""


def _materializable():
    graph = defs.resolve_asset_graph()
    return [(key, graph.get(key)) for key in graph.get_all_asset_keys()]


def test_every_table_asset_names_its_real_table_storage_and_typed_columns():
    from orchestration.warehouse import TABLES

    for key, node in _materializable():
        if not node.is_materializable or key.path[0] in ("publish", "report"):
            continue
        table = node.metadata["dagster/table_name"]
        assert table == ".".join([*key.path[:-1], key.path[-1]]) or table.startswith(
            ("staging.", "intermediate.", "marts.", "reference.")
        ), key
        assert not table.startswith("memory."), key
        assert node.metadata["dagster/storage_kind"] == "duckdb", key
        columns = node.metadata["dagster/column_schema"].columns
        assert columns and all(column.type not in ("", "?") for column in columns), key
        if table in TABLES:
            assert {c.name: c.type for c in columns} == TABLES[table], key


def test_raw_and_dbt_assets_name_their_tables_in_the_working_database():
    graph = defs.resolve_asset_graph()
    assert graph.get(AssetKey(["raw", "referrals"])).metadata["dagster/table_name"] == (
        "raw.referrals"
    )
    assert graph.get(AssetKey(["audit", "submissions"])).metadata["dagster/table_name"] == (
        "audit.submissions"
    )
    mart = graph.get(AssetKey(["marts", "scorecard_monthly"])).metadata
    assert mart["dagster/table_name"] == "marts.scorecard_monthly"
    types = {c.name: c.type for c in mart["dagster/column_schema"].columns}
    assert types["month_start"] == "date" and types["value"] == "double"


def test_every_asset_check_has_a_description():
    graph = defs.resolve_asset_graph()
    undescribed = [key for key in graph.asset_check_keys if not graph.get(key).description]
    assert undescribed == []
    relationships = (
        AssetKey(["marts", "scorecard_monthly"]).to_user_string()
        + ":"
        + ("relationships_scorecard_monthly_district_code__district_code__ref_dim_district_")
    )
    described = {
        f"{key.asset_key.to_user_string()}:{key.name}": graph.get(key).description
        for key in graph.asset_check_keys
    }
    assert described[relationships] == (
        "Every district_code is a district_code of dim_district. Blocks publishing if it fails."
    )


def test_every_python_asset_has_a_code_version():
    from orchestration.assets.transform import scorecard_dbt

    python_assets = [
        key
        for key, node in _materializable()
        if node.is_materializable and key not in scorecard_dbt.keys
    ]
    graph = defs.resolve_asset_graph()
    assert len(python_assets) == 16  # 10 district extracts, 4 reference, publish, the pack
    assert all(graph.get(key).code_version for key in python_assets)


def test_no_definition_metadata_is_unserializable_but_dagster_dbts_own():
    from dagster._core.definitions.metadata import normalize_metadata

    found = set()
    for _, node in _materializable():
        for name, value in normalize_metadata(node.metadata, allow_invalid=True).items():
            if "(unserializable)" in str(getattr(value, "value", "")):
                found.add(name)
    assert found <= DBT_INTERNALS


def test_loading_the_definitions_leaves_the_slow_imports_to_the_steps_that_need_them():
    """Every sensor tick and code server loads the definitions: great-expectations and
    matplotlib (seconds each) are imported by a run, while dbt runs (orchestration.preload)."""
    import subprocess
    import sys

    probe = (
        "import sys, orchestration.definitions; "
        "print(sorted(m for m in ('great_expectations', 'matplotlib') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_preloading_imports_each_module_in_a_thread():
    import sys

    from orchestration.preload import import_in_background

    sys.modules.pop("colorsys", None)  # a small module nothing here needs
    import_in_background(("json", "colorsys")).join(timeout=30)
    assert "colorsys" in sys.modules
