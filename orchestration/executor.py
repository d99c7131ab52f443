"""The executor of every run Dagster launches: the steps in the run's own process, as
`in_process_executor`, holding the working database's writer lock from before the first
step to after the last (orchestration.writer_lock).

So a run launched from the UI, the schedule or the sensor while `scorecard run` (or any
other writer) is at work waits for it, saying which run it waits for, instead of failing
on DuckDB's lock and marking its assets failed. `execute_in_process`, which the CLI uses,
replaces the executor: the CLI takes the lock itself, before its run exists.

It first checks the run's paths, so a run whose config names a landing folder that is not
there, or a database folder that cannot be made, fails before its first step with a
sentence saying so: an error raised here fails the run, and no asset or check turns red
for a fault that is not in the data.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from dagster import executor, in_process_executor
from dagster._core.executor.in_process import InProcessExecutor

from orchestration.resources import ScorecardResource
from orchestration.settings import Settings
from orchestration.writer_lock import Holder, writer_lock


class UnusablePath(Exception):
    """A path in the run's config (or the environment) that no step could use."""


def path_problem(settings: Settings) -> str | None:
    """The sentence saying why the run cannot use its paths, or None if it can.

    The databases' folders are made here, as the run would make them, so a folder that
    cannot be made (under a file, on a read-only disk) is found before any step runs.
    """
    if not settings.landing_dir.is_dir():
        missing = "is not a folder" if settings.landing_dir.exists() else "does not exist"
        return f"The landing folder {settings.landing_dir} {missing}."
    for what, path in (("working database", settings.work_db), ("warehouse", settings.warehouse)):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            # exist_ok does not cover a file where the folder should be: say so, not "File exists"
            in_the_way = isinstance(error, FileExistsError)
            reason = "a file of that name is in the way" if in_the_way else error.strerror
            return f"The folder {path.parent} for the {what} cannot be made: {reason}."
    return None


class WriterLockedExecutor(InProcessExecutor):
    def execute(self, plan_context, execution_plan) -> Iterator:
        # the paths as the run's steps will resolve them: the scorecard resource's run config
        config = plan_context.run_config.get("resources", {}).get("scorecard", {})
        settings = ScorecardResource(**config.get("config", {})).settings()
        if problem := path_problem(settings):
            plan_context.log.error(problem)
            raise UnusablePath(problem)
        work_db = settings.work_db
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
