"""The dbt project builds on an empty warehouse, and every dbt unit test passes.

Production builds skip dbt's unit tests (`--exclude-resource-type unit_test`), so this
is where the SQL's rules are proven: on a fresh DuckDB whose raw and audit tables are
created empty by the ingestion's own `warehouse.connect`, one `dbt build` must build the
seed and every model, pass every data test, and run every unit test declared beside the
models (each just before its model), each passing. Counting the unit tests against the
YAML means a suite that is silently skipped fails here. One invocation, not a build
then a `dbt test --select test_type:unit`, because each costs seconds of parsing.

dbt runs as a subprocess of the venv's own `dbt`, with its target and log folders in a
temporary directory, so parallel runs never collide with each other or with the
pipeline's dbt_project/target.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration.settings import DBT_PROJECT_DIR
from orchestration.warehouse import connect

# The suite as written: a lower count means unit tests were lost, not just renamed.
MINIMUM_UNIT_TESTS = 34


def declared_unit_tests() -> list[str]:
    """Names of the unit tests in the YAML beside the models."""
    names = []
    for path in sorted((DBT_PROJECT_DIR / "models").rglob("*.yml")):
        properties = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        names += [test["name"] for test in properties.get("unit_tests", [])]
    return names


UNIT_TESTS = declared_unit_tests()


def dbt_executable() -> str:
    beside_python = Path(sys.executable).with_name("dbt")
    return str(beside_python) if beside_python.exists() else shutil.which("dbt") or "dbt"


def run_dbt(root: Path, work_db: Path, *args: str) -> list[dict]:
    """Run one dbt command against ``work_db``; its run_results, one dict per node."""
    run_results = root / "target" / "run_results.json"
    run_results.unlink(missing_ok=True)
    command = [
        dbt_executable(),
        *args,
        "--no-use-colors",
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(root / "target"),
        "--log-path", str(root / "logs"),
        "--vars", json.dumps({"work_db": str(work_db)}),
    ]  # fmt: skip
    environment = os.environ | {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    completed = subprocess.run(
        command, capture_output=True, text=True, env=environment, cwd=root, check=False
    )
    assert run_results.exists(), f"dbt {' '.join(args)} did not run:\n{completed.stdout}"
    return json.loads(run_results.read_text(encoding="utf-8"))["results"]


@pytest.fixture(scope="module")
def dbt_runs(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("dbt")
    work_db = root / "work.duckdb"
    with connect(work_db):
        pass  # every raw and audit table, empty
    results = run_dbt(root, work_db, "build")
    unit = [result for result in results if result["unique_id"].startswith("unit_test.")]
    build = [result for result in results if result not in unit]
    return {"work_db": work_db, "build": build, "unit": unit}


def failures(results: list[dict]) -> list[str]:
    return [
        f"{result['unique_id']}: {result['status']}\n{result['message']}"
        for result in results
        if result["status"] not in ("success", "pass")
    ]


def test_every_model_builds_and_every_data_test_passes_on_empty_raw_tables(dbt_runs):
    build = dbt_runs["build"]
    assert not failures(build), "\n\n".join(failures(build))
    kinds = {result["unique_id"].split(".")[0] for result in build}
    assert kinds == {"seed", "model", "test"}, kinds


def test_every_declared_unit_test_runs(dbt_runs):
    ran = sorted(result["unique_id"].rsplit(".", 1)[1] for result in dbt_runs["unit"])
    assert len(UNIT_TESTS) >= MINIMUM_UNIT_TESTS
    assert len(set(UNIT_TESTS)) == len(UNIT_TESTS), "unit test names repeat"
    assert ran == sorted(UNIT_TESTS)


@pytest.mark.parametrize("name", UNIT_TESTS)
def test_unit_test_passes(dbt_runs, name):
    results = [r for r in dbt_runs["unit"] if r["unique_id"].rsplit(".", 1)[1] == name]
    assert len(results) == 1, f"{name} did not run"
    assert results[0]["status"] == "pass", results[0]["message"]


def test_every_published_table_and_column_is_described(dbt_runs):
    """persist_docs turns the YAML into DuckDB comments, which BI users read."""
    with duckdb.connect(str(dbt_runs["work_db"]), read_only=True) as con:
        undescribed = con.execute(
            "SELECT table_name, NULL FROM duckdb_tables() "
            "WHERE schema_name = 'marts' AND comment IS NULL "
            "UNION ALL "
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE schema_name = 'marts' AND comment IS NULL"
        ).fetchall()
        tables = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts'"
        ).fetchone()[0]
    assert tables == 10
    assert undescribed == []
