"""Hashes of the project's own source files: what a run's output depends on besides its data.

Light on purpose (no Dagster, no pandas): `scorecard run` hashes the whole project to
decide, before it imports anything heavy, whether there is anything to do
(orchestration.rerun); the assets hash their own sources for their code versions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("orchestration", "contracts", "dbt_project")
"""Every folder whose files decide the published warehouse."""
PROJECT_SUFFIXES = (".py", ".sql", ".yml", ".yaml", ".csv", ".j2", ".css")
RAW_SOURCES = (
    "contracts",
    "orchestration/reading",
    "orchestration/landing.py",
    "orchestration/dates.py",
    "orchestration/loading",
    "orchestration/recording",
    "orchestration/pseudonym.py",
    "orchestration/warehouse.py",
    "orchestration/assets/raw.py",
    "dbt_project/dbt_project.yml",  # the value lists the contracts read
)
"""What decides the raw layer's rows: the contracts and the reading and loading code."""
_NOT_SOURCES = {"target", "logs", "dbt_packages", "__pycache__"}


def source_version(paths: Iterable[str], suffixes: tuple[str, ...] = (".py",)) -> str:
    """A hash of the source files (relative to the project root, folders taken whole,
    keeping their files with these ``suffixes``).

    A hash rather than a hand-bumped constant: a forgotten bump would hide a real change,
    while an edit to a comment only costs a rebuild that changes nothing.
    """
    digest = hashlib.sha256()
    for relative in sorted(paths):
        path = ROOT / relative
        files = (
            sorted(
                file
                for file in path.rglob("*")
                if file.suffix in suffixes
                and file.is_file()
                and not _NOT_SOURCES.intersection(file.relative_to(path).parts)
            )
            if path.is_dir()
            else [path]
        )
        for file in files:
            digest.update(file.relative_to(ROOT).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def project_version() -> str:
    """The hash of every source file that decides the published warehouse."""
    return source_version(PROJECT, PROJECT_SUFFIXES)
