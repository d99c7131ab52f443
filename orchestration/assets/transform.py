"""The dbt layers (staging, intermediate, marts) as Dagster assets through dagster-dbt.

One `dbt build` per run: models and their data tests (which surface as asset
checks), against the working database. dbt costs seconds per invocation,
so it is invoked once, not once per model or partition.
"""

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb
from dagster import AssetExecutionContext, AssetKey, MetadataValue, Output
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from dagster_shared.record import replace

from orchestration import publications
from orchestration.assets import WAREHOUSE_POOL
from orchestration.dbt_project import DBT_PROJECT, building, ensure_manifest
from orchestration.preload import import_in_background
from orchestration.report import county_scorecard_markdown
from orchestration.resources import ScorecardResource

SCORECARD_MONTHLY = AssetKey(["marts", "scorecard_monthly"])


class ScorecardTranslator(DagsterDbtTranslator):
    """Asset keys and groups by layer: raw/<asset>, staging/..., intermediate/..., marts/...;
    the real table name in the working database; a description on every dbt test."""

    def get_metadata(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, Any]:
        # dbt-duckdb names the database after the file it parsed with (":memory:" here, as
        # the manifest is parsed without one), so the table is named by schema and name.
        metadata = dict(super().get_metadata(dbt_resource_props))
        name = dbt_resource_props.get("identifier") or dbt_resource_props.get("alias")
        metadata["dagster/table_name"] = f"{dbt_resource_props['schema']}.{name}"
        return metadata

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        test = manifest["nodes"][unique_id]
        return replace(spec, description=dbt_test_description(test))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)  # raw/<table>, audit/submissions
        return AssetKey([self.get_group_name(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str:
        if dbt_resource_props["resource_type"] == "seed":
            return "raw"  # the indicator catalogue is reference data, like the landed files
        return dbt_resource_props["fqn"][1]


def dbt_test_description(test: Mapping[str, Any]) -> str:
    """A dbt test's own description, else what its kind and arguments say it proves."""
    if test.get("description"):
        return test["description"]
    meta = test.get("test_metadata") or {}
    kind, kwargs = meta.get("name", test["name"]), meta.get("kwargs", {})
    column = kwargs.get("column_name")
    severity = test.get("config", {}).get("severity", "error").lower()
    effect = " Blocks publishing if it fails." if severity == "error" else ""
    if kind == "not_null":
        said = f"{column} is never null."
    elif kind == "unique":
        said = f"{column} is unique."
    elif kind == "accepted_values":
        values = ", ".join(str(value) for value in kwargs.get("values", []))
        said = f"{column} only takes the values {values}."
    elif kind == "relationships":
        target = str(kwargs.get("to", "")).removeprefix("ref('").removesuffix("')")
        said = f"Every {column} is a {kwargs.get('field')} of {target}."
    elif kind == "unique_combination_of_columns":
        said = f"One row per {', '.join(kwargs.get('combination_of_columns', []))}."
    elif kind == "complete_grid":
        said = "A row for every month x district (county included) x indicator."
    else:
        said = f"dbt test {kind}" + (f" on {column}" if column else "") + "."
    return said + effect


@dbt_assets(
    manifest=ensure_manifest(),
    project=DBT_PROJECT,
    dagster_dbt_translator=ScorecardTranslator(),
    pool=WAREHOUSE_POOL,
    name="scorecard_dbt",
)
def scorecard_dbt(
    context: AssetExecutionContext, dbt: DbtCliResource, scorecard: ScorecardResource
) -> Iterator:
    settings = scorecard.settings()
    # dbt numbers this run's publication after the history, so the history is first made
    # the published file's when they differ (a lost working database, a killed publish).
    if restored := publications.reconcile(settings.work_db, settings.warehouse):
        context.log.info(restored)
    # Model results are held until dbt has closed the database, so that their row
    # counts (and the county scorecard) can be read from it and shown with them.
    held = []
    import_in_background()  # what the steps after dbt need, while dbt leaves us idle
    invocation = building(dbt, settings.work_db).cli(
        # unit tests prove the SQL in CI (tests/dbt); production builds run data tests only
        ["build", "--exclude-resource-type", "unit_test"],
        context=context,
        target_path=Path("target"),  # shared, so dbt's partial parsing is reused
    )
    for event in invocation.stream():
        if isinstance(event, Output):
            held.append(event)
        else:
            yield event
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
            "WHERE schema_name IN ('intermediate', 'marts')"
        ).fetchall()
        row_counts = {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for (table,) in tables
        }
        scorecard_table = county_scorecard_markdown(con)
    for event in held:
        key = context.asset_key_for_output(event.output_name)
        metadata = dict(event.metadata)
        if (rows := row_counts.get(".".join(key.path))) is not None:
            metadata["dagster/row_count"] = rows
        if key == SCORECARD_MONTHLY:
            metadata["county_scorecard"] = MetadataValue.md(scorecard_table)
        yield event.with_metadata(metadata)
