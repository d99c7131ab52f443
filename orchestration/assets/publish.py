"""The publish layer: the working database's marts and audit, copied for BI by atomic replace."""

import duckdb
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from orchestration import warehouse
from orchestration.assets import WAREHOUSE_POOL
from orchestration.assets.transform import scorecard_dbt
from orchestration.report import county_scorecard_markdown
from orchestration.resources import ScorecardResource

MARTS = sorted(key for key in scorecard_dbt.keys if key.path[0] == "marts")


@asset(
    key=AssetKey(["publish", "published_warehouse"]),
    group_name="publish",
    deps=MARTS,
    pool=WAREHOUSE_POOL,
    kinds={"duckdb"},
    description=(
        "The DuckDB file BI reads (warehouse.md): the marts and audit schemas, written in "
        "DuckDB 1.4's storage format beside the old file and swapped in by one atomic "
        "rename, only after every blocking check passed. Readers never see a half-built "
        "file and never block a run."
    ),
)
def published_warehouse(context: AssetExecutionContext, scorecard: ScorecardResource):
    settings = scorecard.settings()
    warehouse.publish(settings.work_db, settings.warehouse)
    context.log.info(f"Published {settings.warehouse}")
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        rows = {
            table: con.execute(f"SELECT count(*) FROM marts.{table}").fetchone()[0]
            for table in (key.path[-1] for key in MARTS)
        }
        scorecard_table = county_scorecard_markdown(con)
    return MaterializeResult(
        metadata={
            "warehouse": MetadataValue.path(str(settings.warehouse)),
            "size_bytes": settings.warehouse.stat().st_size,
            "rows": MetadataValue.json(rows),
            "county_scorecard": MetadataValue.md(scorecard_table),
        }
    )
