"""How the UI's "Materialize all" is split into runs: an asset backfill of every asset over
every partition, planned by Dagster's own backfill logic (as the daemon does) on a real
instance, with each requested run simulated as succeeding.

Dagster 1.13 never puts assets of different partitionings in one run, and ranges a
multi-partitioned asset by holding one dimension constant, so the fewest runs possible
are: the reference files, one run per district (or per month, whichever is fewer) of
the district extracts, then dbt and publish together. The README says to launch
`scorecard_build` (or `scorecard run`) for a build in one run.
"""

from __future__ import annotations

import logging
import tempfile
import time
from datetime import UTC, datetime

import pytest
from dagster import AssetMaterialization, PartitionKeyRange
from dagster._core.asset_graph_view.asset_graph_view import AssetGraphView, TemporalContext
from dagster._core.events import DagsterEvent, DagsterEventType, StepMaterializationData
from dagster._core.execution.asset_backfill import (
    AssetBackfillData,
    execute_asset_backfill_iteration_inner,
)
from dagster._core.test_utils import in_process_test_workspace, instance_for_test
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

from orchestration.partitions import DISTRICT_MONTHS, register

BACKFILL_ID = "materialize-all"
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def plan_materialize_all(months: list[str], districts: list[str]) -> list[tuple[list, list]]:
    """[(asset keys, partition keys)] of each run the backfill requests, in order."""
    from orchestration.definitions import defs

    with instance_for_test(temp_dir=tempfile.mkdtemp()) as instance:
        register(instance, months, districts)
        return _plan(instance, defs)


def _plan(instance, defs) -> list[tuple[list, list]]:
    with (
        in_process_test_workspace(
            instance,
            LoadableTargetOrigin(module_name="orchestration.definitions", attribute="defs"),
        ) as workspace,
    ):
        graph = workspace.asset_graph
        started = time.time()
        data = AssetBackfillData.from_asset_partitions(
            asset_graph=graph,
            partition_names=None,
            asset_selection=[
                key for key in graph.get_all_asset_keys() if graph.get(key).is_materializable
            ],
            dynamic_partitions_store=instance,
            backfill_start_timestamp=started,
            all_partitions=True,
        )
        job = defs.resolve_implicit_global_asset_job_def()
        runs, idle = [], 0
        while idle < 3 and len(runs) < 50:
            view = AssetGraphView(
                temporal_context=TemporalContext(
                    effective_dt=datetime.fromtimestamp(started, UTC), last_event_id=None
                ),
                instance=instance,
                asset_graph=graph,
            )
            result = execute_asset_backfill_iteration_inner(
                BACKFILL_ID, data, view, started, logging.getLogger(__name__), None
            )
            data = result.backfill_data
            idle = 0 if result.run_requests else idle + 1
            for request in result.run_requests:
                partitions = (
                    DISTRICT_MONTHS.get_partition_keys_in_range(
                        PartitionKeyRange(request.tags[RANGE_START], request.tags[RANGE_END]),
                        dynamic_partitions_store=instance,
                    )
                    if RANGE_START in request.tags
                    else [request.partition_key]
                    if request.partition_key
                    else []
                )
                runs.append((list(request.asset_selection), partitions))
                run = instance.create_run_for_job(
                    job_def=job,
                    tags={"dagster/backfill": BACKFILL_ID},
                    asset_selection=frozenset(request.asset_selection),
                )
                for key in request.asset_selection:
                    for partition in partitions if graph.get(key).is_partitioned else [None]:
                        instance.report_dagster_event(
                            DagsterEvent(
                                event_type_value=DagsterEventType.ASSET_MATERIALIZATION.value,
                                job_name=run.job_name,
                                event_specific_data=StepMaterializationData(
                                    AssetMaterialization(key, partition=partition)
                                ),
                            ),
                            run.run_id,
                        )
        requested = {key for keys, _ in runs for key in keys}
        assert requested == set(data.target_subset.asset_keys), "the backfill did not finish"
        return runs


@pytest.fixture(scope="module")
def runs():
    return plan_materialize_all(["2011-04", "2011-05", "2011-06"], ["NOR", "SOU"])


def _layers(keys) -> set[str]:
    return {key.path[0] for key in keys}


def test_materialize_all_is_the_fewest_runs_dagster_allows(runs):
    # the reference files, one run per district (2 < 3 months), then dbt and publish
    assert len(runs) == 4


def test_the_district_extracts_run_one_range_per_district_never_one_run_per_partition(runs):
    extract_runs = [partitions for keys, partitions in runs if partitions]
    assert sorted(sorted(partitions) for partitions in extract_runs) == [
        ["NOR|2011-04", "NOR|2011-05", "NOR|2011-06"],
        ["SOU|2011-04", "SOU|2011-05", "SOU|2011-06"],
    ]


def test_every_model_that_reads_the_extracts_and_the_publish_share_one_last_run(runs):
    last_keys, last_partitions = runs[-1]
    assert last_partitions == []
    assert {"publish", "marts", "intermediate"} <= _layers(last_keys)
    published = [keys for keys, _ in runs if "publish" in _layers(keys)]
    assert len(published) == 1
