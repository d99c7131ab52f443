"""The CLI's build step: the warehouse from a landing folder in one Dagster run.

`scorecard run` (orchestration.cli parses its arguments) materialises every month
found through the same assets and jobs the UI shows: one run of `scorecard_build` over
the whole month x district rectangle (dbt costs seconds per invocation, so one run,
not one per partition). A district-month without a folder loads nothing, which also
clears anything an earlier landing left there.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

from dagster import AssetCheckSeverity, DagsterInstance, RunsFilter
from dagster._core.storage.dagster_run import ACTIVE_RUN_STATUSES
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)
from dagster._core.utils import make_new_run_id

from orchestration import rerun
from orchestration.assets.quality import NOT_SHRUNK
from orchestration.failures import explain
from orchestration.loading.districts import DistrictsUnavailable, scan_listed
from orchestration.partitions import DISTRICTS, MONTHS, district_month_key, register
from orchestration.progress import Progress
from orchestration.pseudonym import KeyRejected, load_key
from orchestration.settings import (
    Settings,
    console_log_level,
    dagster_home,
    planned_events_per_asset,
)
from orchestration.writer_lock import Holder, writer_lock


@dataclass(frozen=True)
class Outcome:
    published: bool
    message: str
    run_id: str | None = None


def instance() -> DagsterInstance:
    """DAGSTER_HOME's instance (runs then show in the UI), else one in memory."""
    if dagster_home():
        return DagsterInstance.get()
    return DagsterInstance.ephemeral()


def build_warehouse(
    settings: Settings,
    *,
    verbose: bool = False,
    reload: bool = False,
    out: TextIO | None = None,
) -> Outcome:
    """One run over the landing, after any other writer of the working database.

    District-months unchanged since they were loaded are not read again unless
    ``reload`` (orchestration.loading.unchanged).

    ``out`` receives a line per stage (orchestration.progress); dbt's and Dagster's logs
    reach the console only when ``verbose``.
    """
    if not settings.landing_dir.is_dir():
        return Outcome(False, f"The landing folder {settings.landing_dir} does not exist.")
    try:
        load_key()  # a key too short to keep child ids secret stops the run before it starts
    except KeyRejected as problem:
        return Outcome(False, f"Nothing was published: {problem}")
    listed = scan_listed(settings.landing_dir)
    try:
        districts = listed.require_districts()
    except DistrictsUnavailable as problem:
        return Outcome(False, f"Nothing was published: {problem}")
    landing = listed.landing
    months = landing.months
    progress = Progress(out or io.StringIO(), months, settings.work_db)
    inputs = rerun.inputs(settings)  # before the run: a file changed during it is new next time
    job_name = "scorecard_build" if months else "reference_update"
    run_id = make_new_run_id()
    me = Holder(os.getpid(), run_id, job_name)
    # The lock is taken before the run exists, so waiting marks nothing failed; the run
    # executes in this process (execute_in_process replaces the job's locking executor),
    # so the lock is held for the whole run (orchestration.writer_lock).
    with (
        instance() as dagster_instance,
        writer_lock(
            settings.work_db,
            me,
            progress.waiting,
            running=_writer_running(dagster_instance),
            on_overdue=progress.overdue,
        ),
    ):
        progress.reading(landing, districts)
        result = _execute(
            settings,
            dagster_instance,
            job_name,
            run_id,
            months,
            districts,
            progress,
            verbose,
            reload,
        )
        if result.success and _published(result):  # the pack too: a rerun would not write it
            rerun.record(settings, inputs)

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
        if _published(result):  # only a step after the publish failed: the pack
            return Outcome(
                True,
                f"Published {settings.warehouse}, but the committee pack was not written: "
                f"{failure}",
                result.run_id,
            )
        return Outcome(False, f"Nothing was published: {failure}", result.run_id)
    if not settings.warehouse.exists():
        return Outcome(False, "Nothing was published: a blocking check failed.", result.run_id)
    return Outcome(True, f"Published {settings.warehouse}", result.run_id)


def _execute(
    settings: Settings,
    dagster_instance: DagsterInstance,
    job_name: str,
    run_id: str,
    months: list[str],
    districts: list[str],
    progress: Progress,
    verbose: bool,
    reload: bool,
):
    """The one Dagster run of ``job_name`` over every month x district, in this process."""
    from orchestration.definitions import defs  # deferred for cost: loading it parses dbt

    run_config = {
        # Dagster logs a failed step with its stack trace at ERROR; the CLI says the cause
        # in a sentence instead (orchestration.failures), so by default the console is quiet.
        "loggers": {"console": {"config": {"log_level": console_log_level(verbose)}}},
        "resources": {
            "scorecard": {
                "config": {
                    "landing_dir": str(settings.landing_dir),
                    "warehouse": str(settings.warehouse),
                    "work_db": str(settings.work_db),
                    "allow_shrink": settings.allow_shrink,
                    "reload": reload,
                }
            }
        },
    }
    tags = {}
    if months:
        register(dagster_instance, months, districts)
        all_months = dagster_instance.get_dynamic_partitions(MONTHS.name)
        all_districts = dagster_instance.get_dynamic_partitions(DISTRICTS.name)
        tags = {
            ASSET_PARTITION_RANGE_START_TAG: str(
                district_month_key(all_months[0], all_districts[0])
            ),
            ASSET_PARTITION_RANGE_END_TAG: str(
                district_month_key(all_months[-1], all_districts[-1])
            ),
        }
    dagster_instance.add_event_listener(run_id, progress)
    with _quiet(verbose), planned_events_per_asset():
        return defs.resolve_job_def(job_name).execute_in_process(
            run_config=run_config,
            instance=dagster_instance,
            tags=tags,
            run_id=run_id,
            raise_on_error=False,
        )


def _writer_running(dagster_instance: DagsterInstance):
    """The oldest run of this instance that writes the working database and has started
    (it may not hold the lock yet), as the writer to wait for; None when there is none."""
    from orchestration.jobs import WAREHOUSE_TAGS  # deferred for cost, as definitions

    def running() -> Holder | None:
        records = dagster_instance.get_run_records(
            RunsFilter(statuses=ACTIVE_RUN_STATUSES, tags=WAREHOUSE_TAGS), limit=1, ascending=True
        )
        if not records:
            return None
        record = records[0]
        started = record.start_time or record.create_timestamp.timestamp()
        return Holder(
            None,
            record.dagster_run.run_id,
            record.dagster_run.job_name,
            datetime.fromtimestamp(started, UTC),
        )

    return running


@contextmanager
def _quiet(verbose: bool) -> Iterator[None]:
    """dagster-dbt copies every dbt log line to stdout and libraries warn their developers;
    the console shows neither unless asked (`--verbose`)."""
    if verbose:
        yield
        return
    with open(os.devnull, "w") as sink, redirect_stdout(sink), warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def _published(result) -> bool:
    """Whether this run replaced the published file (the exit status says so: 0)."""
    return any(
        event.asset_key.path == ["publish", "published_warehouse"]
        for event in result.get_asset_materialization_events()
    )


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
