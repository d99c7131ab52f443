"""Building the warehouse from a landing folder in one Dagster run.

`scorecard run` materialises every month found through the same assets and jobs the
UI shows: one run of `scorecard_build` over the whole month x district rectangle
(dbt costs seconds per invocation, so one run, not one per partition). A
district-month without a folder loads nothing, which also clears anything an
earlier landing left there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from dagster import AssetCheckSeverity, DagsterInstance

from orchestration import ingest
from orchestration.assets.quality import NOT_SHRUNK
from orchestration.failures import explain
from orchestration.landing import scan_landing
from orchestration.partitions import DISTRICTS, MONTHS, district_month_key, register
from orchestration.pseudonym import KeyRejected, load_key
from orchestration.settings import Settings

# Dagster's documented tags for a run over a range of partitions.
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


@dataclass(frozen=True)
class Outcome:
    published: bool
    message: str
    run_id: str | None = None


def instance() -> DagsterInstance:
    """DAGSTER_HOME's instance (runs then show in the UI), else one in memory."""
    if os.getenv("DAGSTER_HOME"):
        return DagsterInstance.get()
    return DagsterInstance.ephemeral()


def build_warehouse(settings: Settings) -> Outcome:
    if not settings.landing_dir.is_dir():
        return Outcome(False, f"The landing folder {settings.landing_dir} does not exist.")
    try:
        load_key()  # a key too short to keep child ids secret stops the run before it starts
    except KeyRejected as problem:
        return Outcome(False, f"Nothing was published: {problem}")
    try:
        districts = ingest.listed_districts(scan_landing(settings.landing_dir, []))
    except ingest.DistrictsUnavailable as problem:
        return Outcome(False, f"Nothing was published: {problem}")
    months = scan_landing(settings.landing_dir, districts).months

    from orchestration.definitions import defs  # deferred: loading it parses dbt

    run_config = {
        # Dagster logs a failed step with its stack trace at ERROR; the CLI says the cause
        # in a sentence instead (orchestration.failures), so by default the console is quiet.
        "loggers": {
            "console": {"config": {"log_level": os.getenv("SCORECARD_LOG_LEVEL", "CRITICAL")}}
        },
        "resources": {
            "scorecard": {
                "config": {
                    "landing_dir": str(settings.landing_dir),
                    "warehouse": str(settings.warehouse),
                    "work_db": str(settings.work_db),
                    "allow_shrink": settings.allow_shrink,
                }
            }
        },
    }
    with instance() as dagster_instance:
        if months:
            register(dagster_instance, months, districts)
            all_months = dagster_instance.get_dynamic_partitions(MONTHS.name)
            all_districts = dagster_instance.get_dynamic_partitions(DISTRICTS.name)
            job = defs.resolve_job_def("scorecard_build")
            tags = {
                RANGE_START_TAG: str(district_month_key(all_months[0], all_districts[0])),
                RANGE_END_TAG: str(district_month_key(all_months[-1], all_districts[-1])),
            }
        else:
            job, tags = defs.resolve_job_def("reference_update"), {}
        result = job.execute_in_process(
            run_config=run_config, instance=dagster_instance, tags=tags, raise_on_error=False
        )
    if shrunk := _shrinkage_found(result):
        return Outcome(False, f"Nothing was published: {shrunk}", result.run_id)
    if not result.success:
        failure = next(
            (
                explain(event.event_specific_data.error, settings)
                for event in result.all_events
                if event.is_step_failure
            ),
            "a blocking check failed",
        )
        return Outcome(False, f"Nothing was published: {failure}", result.run_id)
    if not settings.warehouse.exists():
        return Outcome(False, "Nothing was published: a blocking check failed.", result.run_id)
    return Outcome(True, f"Published {settings.warehouse}", result.run_id)


def _shrinkage_found(result) -> str | None:
    """The shrink check's sentence, if it is what stopped the publish (it says how to override)."""
    for evaluation in result.get_asset_check_evaluations():
        if (
            evaluation.check_name == NOT_SHRUNK
            and not evaluation.passed
            and evaluation.severity == AssetCheckSeverity.ERROR
            and evaluation.description
        ):
            return evaluation.description[0].lower() + evaluation.description[1:]
    return None
