"""dbt is the one beside the running interpreter, never PATH's, even for parsing."""

import shutil
from pathlib import Path

from orchestration.dbt_project import dbt_project, ensure_manifest
from orchestration.settings import DBT_PROJECT_DIR


def test_the_manifest_is_parsed_without_dbt_on_path(tmp_path: Path, monkeypatch):
    """A fresh clone has no manifest: importing the definitions parses the project,
    which must work under a scheduler's bare PATH too."""
    project_dir = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project_dir, ignore=shutil.ignore_patterns("target", "logs"))
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    manifest = ensure_manifest(dbt_project(project_dir))
    assert manifest == project_dir / "target" / "manifest.json"
    assert manifest.is_file()
