"""The asset `report/committee_pack` writes the committee's month beside the published
file, says what it wrote in its metadata, and leaves an empty warehouse without a pack
rather than failing the run that published it."""

from __future__ import annotations

import duckdb
from dagster import build_asset_context

from orchestration.assets.report import committee_pack
from orchestration.resources import ScorecardResource
from tests.orchestration.pack.handmade import build_warehouse


def materialise(warehouse, **config) -> dict:
    resource = ScorecardResource(warehouse=str(warehouse), **config)
    result = committee_pack(context=build_asset_context(), scorecard=resource)
    return {name: getattr(value, "value", value) for name, value in result.metadata.items()}


def test_the_pack_of_the_committees_month_is_written_beside_the_warehouse(tmp_path):
    warehouse = build_warehouse(tmp_path / "testshire.duckdb")
    metadata = materialise(warehouse)
    assert metadata == {
        "path": str(tmp_path / "reports" / "2012-02.html"),
        "month": "2012-02",
        "districts": 3,
        "indicators": 3,
        "county_rag": {"green": 0, "amber": 1, "red": 1, "none": 1},
    }
    assert (tmp_path / "reports" / "2012-02.html").is_file()
    # the folder is configurable
    other = materialise(warehouse, reports_dir=str(tmp_path / "committee"))
    assert other["path"] == str(tmp_path / "committee" / "2012-02.html")


def test_a_warehouse_without_months_has_no_pack_and_no_failure(tmp_path):
    warehouse = build_warehouse(tmp_path / "empty.duckdb")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("DELETE FROM marts.dim_month; DELETE FROM marts.scorecard_monthly")
    assert materialise(warehouse) == {"month": "none"}
    assert not (tmp_path / "reports").exists()
