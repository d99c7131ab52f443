"""dbt is the one beside the running interpreter, never PATH's, even for parsing."""

import os
import shutil
from pathlib import Path

from orchestration.dbt_child import split_work_db
from orchestration.dbt_project import (
    DBT_PROJECT,
    building,
    dbt_project,
    dbt_resource,
    ensure_manifest,
)
from orchestration.settings import DBT_PROJECT_DIR, dbt_environment


def test_the_manifest_is_parsed_without_dbt_on_path(tmp_path: Path, monkeypatch):
    """A fresh clone has no manifest: importing the definitions parses the project,
    which must work under a scheduler's bare PATH too."""
    project_dir = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project_dir, ignore=shutil.ignore_patterns("target", "logs"))
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    manifest = ensure_manifest(dbt_project(project_dir))
    assert manifest == project_dir / "target" / "manifest.json"
    assert manifest.is_file()


def test_the_working_database_reaches_dbt_through_the_childs_environment_alone(tmp_path):
    """building() names the working database on the wrapper's command line; the wrapper
    takes it off dbt's arguments and into dbt's environment, and this process's
    environment never holds it."""
    work_db = tmp_path / "work.duckdb"
    before = dict(os.environ)
    dbt = building(dbt_resource(DBT_PROJECT), work_db)
    assert dbt.global_config_flags == [f"--scorecard-work-db={work_db}"]
    assert split_work_db([*dbt.global_config_flags, "build", "--quiet"]) == (
        work_db,
        ["build", "--quiet"],
    )
    assert split_work_db(["parse", "--quiet"]) == (None, ["parse", "--quiet"])
    assert dbt_environment(work_db)["SCORECARD_WORK_DB"] == str(work_db)
    assert dict(os.environ) == before


def test_a_dbt_command_starts_no_version_probe_and_loads_no_adapter_here(tmp_path, monkeypatch):
    """dagster-dbt ran `dbt --version` and loaded dbt's adapter in this process before
    every command (about 12 s); ScorecardDbtCli skips both. The version it states is the
    one the dbt it runs reports, and the private names it overrides still exist."""
    import subprocess

    from dagster_dbt import DbtCliResource
    from dagster_dbt.core import resource as dagster_dbt_resource

    dbt = dbt_resource(DBT_PROJECT)
    assert {"_cli_version", "_initialize_dbt_core_adapter"} <= set(vars(DbtCliResource))
    reported = subprocess.run(
        [dbt.dbt_executable, "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert f"installed: {dbt._cli_version}" in reported

    def no_child(*args, **kwargs):
        raise AssertionError(f"dagster-dbt started {args}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_child)
    invocation = building(dbt, tmp_path / "work.duckdb").cli(
        ["parse", "--quiet"], target_path=tmp_path / "target"
    )
    assert invocation.adapter is None
    assert invocation.wait().is_successful()
