"""The executor of every run Dagster launches: the steps in the run's own process, as
`in_process_executor`, holding the working database's writer lock from before the first
step to after the last (orchestration.writer_lock).

So a run launched from the UI, the schedule or the sensor while `scorecard run` (or any
other writer) is at work waits for it, saying which run it waits for, instead of failing
on DuckDB's lock and marking its assets failed. `execute_in_process`, which the CLI uses,
replaces the executor: the CLI takes the lock itself, before its run exists.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from dagster import executor, in_process_executor
from dagster._core.executor.in_process import InProcessExecutor

from orchestration.resources import ScorecardResource
from orchestration.writer_lock import Holder, writer_lock


class WriterLockedExecutor(InProcessExecutor):
    def execute(self, plan_context, execution_plan) -> Iterator:
        # the paths as the run's steps will resolve them: the scorecard resource's run config
        config = plan_context.run_config.get("resources", {}).get("scorecard", {})
        work_db = ScorecardResource(**config.get("config", {})).settings().work_db
        run = plan_context.dagster_run
        me = Holder(os.getpid(), run.run_id, run.job_name)

        def on_wait(holder: Holder) -> None:
            plan_context.log.info(
                f"Waiting for {holder.describe()} to finish writing {work_db} ..."
            )

        with writer_lock(work_db, me, on_wait):
            yield from super().execute(plan_context, execution_plan)


@executor(name="in_process_writer_locked", config_schema=in_process_executor.config_schema)
def writer_locked_executor(init_context) -> WriterLockedExecutor:
    plain = in_process_executor.executor_creation_fn(init_context)
    return WriterLockedExecutor(
        retries=plain.retries, step_dependency_config=plain.step_dependency_config
    )
