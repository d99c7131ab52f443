"""The report layer: the committee pack of the month a committee sees, beside the
published warehouse, written from the published file itself (what BI reads)."""

import duckdb
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from orchestration.assets.publish import published_warehouse
from orchestration.resources import ScorecardResource
from orchestration.sources import source_version


@asset(
    key=AssetKey(["report", "committee_pack"]),
    group_name="report",
    deps=[published_warehouse],
    kinds={"html"},
    code_version=source_version(
        [
            "orchestration/pack",
            "orchestration/pack/templates/pack.html.j2",
            "orchestration/pack/templates/pack.css",
            "orchestration/report.py",
            "orchestration/assets/report.py",
        ]
    ),
    description=(
        "The committee pack: the monthly scorecard report as one self-contained HTML file "
        "(headline scorecard, a chart per indicator with its target, district comparisons "
        "and pages, data quality), for the committee's month (the latest complete for the "
        "county), written to reports/<YYYY-MM>.html beside the published file."
    ),
)
def committee_pack(context: AssetExecutionContext, scorecard: ScorecardResource):
    # matplotlib is imported here, not by every process that loads the definitions (the
    # sensor's ticks, the UI's code server); a run imports it while dbt runs (preload)
    from orchestration.pack import write_pack
    from orchestration.pack.figures import months_of

    settings = scorecard.settings()
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        months = months_of(con)
    if not months:  # an empty scorecard is published (no district listed): nothing to report
        context.log.info("The published warehouse holds no month: no committee pack.")
        return MaterializeResult(metadata={"month": "none"})
    summary = write_pack(settings.warehouse, None, None, settings.reports_dir)
    context.log.info(summary.sentence())
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(summary.path)),
            "month": summary.month,
            "districts": summary.districts,
            "indicators": summary.indicators,
            "county_rag": MetadataValue.json(summary.rag_counts),
        }
    )
