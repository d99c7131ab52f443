"""Warehouses built once per session from the landings of landings.py (~20 s a build)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import build, land, query
from tests.warehouse.landings import (
    SPARSE_EMPTY_FOLDERS,
    scenario_landing,
    sparse_landing,
)

# The test modules import checks.py after this: its asserts then explain a failure.
pytest.register_assert_rewrite("tests.warehouse.checks")

SCORECARD_COLUMNS = (
    "value",
    "numerator",
    "denominator",
    "data_status",
    "target",
    "tolerance_pct",
    "rag",
    "previous_value",
    "direction",
    "district_rank",
)


class Scorecard:
    """``marts.scorecard_monthly`` of one warehouse, keyed by ('YYYY-MM', district, code)."""

    def __init__(self, database: Path):
        self.database = database
        rows = query(
            database,
            f"SELECT strftime(month_start, '%Y-%m'), district_code, indicator_code, "
            f"{', '.join(SCORECARD_COLUMNS)} FROM marts.scorecard_monthly",
        )
        self.rows = {row[:3]: dict(zip(SCORECARD_COLUMNS, row[3:], strict=True)) for row in rows}
        assert len(self.rows) == len(rows), "a (month, district, indicator) appears twice"

    def __call__(self, month: str, district: str, indicator: str) -> dict:
        return self.rows[(month, district, indicator)]


def _build(tmp_path_factory: pytest.TempPathFactory, name: str, files, folders=()) -> Path:
    root = tmp_path_factory.mktemp(name)
    landing = land(root / "landing", files)
    for folder in folders:
        (landing / folder).mkdir(parents=True, exist_ok=True)
    warehouse = root / "warehouse.duckdb"
    outcome = build(landing, warehouse)
    assert outcome.published, outcome.message
    return warehouse


@pytest.fixture(scope="session")
def scenario_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory, "scenario", scenario_landing())


@pytest.fixture(scope="session")
def scenario(scenario_db: Path) -> Scorecard:
    return Scorecard(scenario_db)


@pytest.fixture(scope="session")
def sparse_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory, "sparse", sparse_landing(), SPARSE_EMPTY_FOLDERS)


@pytest.fixture(scope="session")
def sparse(sparse_db: Path) -> Scorecard:
    return Scorecard(sparse_db)
