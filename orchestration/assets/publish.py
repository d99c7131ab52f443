"""The publish layer: the working database's marts and audit, copied for BI by atomic replace."""

import hashlib
from datetime import UTC, datetime

import duckdb
from dagster import (
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    asset,
)

from orchestration import publications, warehouse
from orchestration.assets import WAREHOUSE_POOL
from orchestration.assets.transform import scorecard_dbt
from orchestration.report import county_scorecard_markdown, default_month, special_cause_signals
from orchestration.resources import ScorecardResource
from orchestration.sources import source_version

MARTS = sorted(key for key in scorecard_dbt.keys if key.path[0] == "marts")


@asset(
    key=AssetKey(["publish", "published_warehouse"]),
    group_name="publish",
    deps=MARTS,
    pool=WAREHOUSE_POOL,
    kinds={"duckdb"},
    code_version=source_version(
        [
            "orchestration/warehouse.py",
            "orchestration/publications.py",
            "orchestration/report.py",
            "orchestration/assets/publish.py",
        ]
    ),
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
    # only now is the publication real: the history takes it (publications.py)
    publication = publications.record(settings.work_db)
    context.log.info(f"Published {settings.warehouse} (publication {publication})")
    return MaterializeResult(metadata=publication_metadata(settings.warehouse))


def publication_metadata(published) -> dict:
    """What BI is reading, read back from the published file itself: which file, its
    SHA-256 and size (to compare with the file on disk), its publication number, the month
    a committee sees, how many of that month's figures were revised since first published
    and how many show a special-cause variation, and its county scorecard."""
    with published.open("rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
    with duckdb.connect(str(published), read_only=True) as con:
        rows = {
            table: con.execute(f"SELECT count(*) FROM marts.{table}").fetchone()[0]
            for table in (key.path[-1] for key in MARTS)
        }
        month, note = default_month(con)
        latest = con.execute("SELECT max(month_start) FROM marts.dim_month").fetchone()[0]
        publication = con.execute("SELECT max(publication_id) FROM marts.dim_publication")
        publication_id = publication.fetchone()[0]
        revised = publications.revised_figures(con, month)
        signals = special_cause_signals(con, month)
        scorecard_table = county_scorecard_markdown(con, month)
    return {
        "warehouse": MetadataValue.path(str(published)),
        "sha256": digest,
        "size_bytes": published.stat().st_size,
        "published_at": MetadataValue.timestamp(datetime.now(UTC)),
        "publication_id": publication_id,
        "committee_month": f"{month:%Y-%m}" if month else "none",
        "revised_figures_in_committee_month": revised,
        "special_cause_signals_in_committee_month": signals,
        "latest_month": f"{latest:%Y-%m}" if latest else "none",
        "rows": MetadataValue.json(rows),
        "county_scorecard": MetadataValue.md(scorecard_table + (f"\n\n{note}" if note else "")),
    }
