"""The dbt project as Dagster sees it: its path, its manifest and the dbt that runs it.

A module of its own, as in dagster-open-platform and Dagster University's dbt project:
the definitions, the dbt assets and the tests all take the project from here, and
importing it costs dagster-dbt's import, which the CLI's `show` never pays.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

from dagster._utils import run_with_concurrent_update_guard
from dagster_dbt import DbtCliResource, DbtProject
from dagster_dbt.dbt_project import DagsterDbtProjectPreparer
from dagster_shared.record import replace
from packaging.version import Version

from orchestration import dbt_child
from orchestration.settings import DBT_PROJECT_DIR


class ScorecardDbtCli(DbtCliResource):
    """dagster-dbt's resource, less two things it does before every dbt command (about
    12 s of a run on a 2-core machine) that this project never needs:

    - it ran `dbt --version` in a child process to learn dbt's version: the dbt it runs is
      this environment's own (dbt_child), whose version the installed package states;
    - it loaded dbt's adapter and macros in this process, which only its
      fetch_row_counts and fetch_column_metadata use; this project reads row counts from
      the database itself once dbt has closed it (assets/transform.py).

    Both are private to dagster-dbt: tests/orchestration/test_dbt_child.py fails if they
    change.
    """

    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


def dbt_resource(project: DbtProject) -> DbtCliResource:
    """dbt from this interpreter's environment, as a child that dies with its parent
    (orchestration.dbt_child), so neither PATH nor a killed run decides what dbt does."""
    return ScorecardDbtCli(project_dir=project, dbt_executable=str(dbt_child.dbt_executable()))


def building(dbt: DbtCliResource, work_db: Path) -> DbtCliResource:
    """The same dbt, building the working database ``work_db``.

    profiles.yml reads the path from SCORECARD_WORK_DB. The dbt child is told it on its
    command line and sets it in dbt's own environment (orchestration.dbt_child): passing
    it as --vars would defeat dbt's partial parsing and double every build's cost, and
    writing it into this process's environment would leak it into later runs.
    """
    return dbt.model_copy(
        update={"global_config_flags": [dbt_child.work_db_flag(work_db), *dbt.global_config_flags]}
    )


class ScorecardPreparer(DagsterDbtProjectPreparer):
    """Parses the project with the same dbt as the runs use (dagster-dbt's own preparer
    takes dbt from PATH, which a scheduler's bare environment may lack)."""

    def prepare(self, project: DbtProject) -> None:
        run_with_concurrent_update_guard(project.manifest_path, self._parse, project=project)

    def _parse(self, project: DbtProject) -> None:
        dbt_resource(project).cli(["parse", "--quiet"], target_path=project.target_path).wait()


def dbt_project(project_dir: Path) -> DbtProject:
    return replace(DbtProject(project_dir=project_dir), preparer=ScorecardPreparer())


DBT_PROJECT = dbt_project(DBT_PROJECT_DIR)


def ensure_manifest(project: DbtProject = DBT_PROJECT) -> Path:
    """Parse the dbt project when its manifest is missing or older than any of its files.

    A fresh clone has no manifest; `dagster dev` re-parses on every load anyway.
    """
    manifest = project.manifest_path
    sources = [
        path
        for folder in ("models", "seeds", "macros", "tests")
        for path in (project.project_dir / folder).rglob("*")
        if path.is_file()
    ] + [project.project_dir / "dbt_project.yml"]
    newest = max(path.stat().st_mtime for path in sources)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        project.preparer.prepare(project)
    else:
        project.prepare_if_dev()
    return manifest
