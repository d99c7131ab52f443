"""Shared test set-up: a fixed pseudonym key, small helpers to land files and build, and
the demo generator's warehouse, built once per session for every folder that reads it.

Tests never touch the developer's key file, Dagster home or warehouse: every path
is under pytest's tmp_path.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

# at least 32 bytes, as load_key requires
os.environ["SCORECARD_PSEUDONYM_KEY"] = "test-pseudonym-key-of-at-least-32-bytes"
os.environ["GX_ANALYTICS_ENABLED"] = "False"
os.environ.pop("DAGSTER_HOME", None)
for name in ("SCORECARD_LANDING_DIR", "SCORECARD_WAREHOUSE", "SCORECARD_WORK_DB"):
    os.environ.pop(name, None)

DISTRICTS_CSV = "district_code,district_name\nNOR,North\nSOU,South\n"


def land(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``{relative path: content}`` under ``root`` (text is written as UTF-8)."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root


def build(landing: Path, warehouse: Path):
    """Run the whole pipeline (the same Dagster job as `scorecard run`)."""
    from orchestration.build import build_warehouse
    from orchestration.settings import Settings

    return build_warehouse(Settings.resolve(landing, warehouse))


def query(database: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    root.mkdir()
    return root


# Three months across the 2010-11 / 2011-12 boundary keep the build short.
GENERATED_FIRST_MONTH, GENERATED_LAST_MONTH, GENERATED_SEED = "2011-03", "2011-05", 2012


@pytest.fixture(scope="session")
def generated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's realistic landing through the real pipeline: tests/warehouse checks its
    rules, tests/orchestration/pack its committee pack. Here, not in either folder's
    conftest, so one session builds it once."""
    from scorecard_demo import generate_landing

    root = tmp_path_factory.mktemp("generated")
    generate_landing(root / "landing", GENERATED_FIRST_MONTH, GENERATED_LAST_MONTH, GENERATED_SEED)
    warehouse = root / "warehouse.duckdb"
    outcome = build(root / "landing", warehouse)
    assert outcome.published, outcome.message
    return warehouse
