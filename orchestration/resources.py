"""The pipeline's one resource: where the landing, working database and warehouse are."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from dagster import ConfigurableResource, InitResourceContext
from pydantic import Field

from orchestration import writer_lock
from orchestration.settings import Settings


class ScorecardResource(ConfigurableResource):
    """Paths from the run's config if given, else from SCORECARD_* environment variables."""

    landing_dir: str = Field(default="", description="Landing folder (SCORECARD_LANDING_DIR)")
    warehouse: str = Field(default="", description="Published DuckDB file (SCORECARD_WAREHOUSE)")
    work_db: str = Field(default="", description="Working DuckDB file (SCORECARD_WORK_DB)")
    allow_shrink: bool = Field(
        default=False,
        description=(
            "Publish even if the scorecard has far fewer figures than the published one "
            "(SCORECARD_ALLOW_SHRINK; `scorecard run --allow-shrink`)"
        ),
    )

    def settings(self) -> Settings:
        return Settings.resolve(
            self.landing_dir, self.warehouse, self.work_db, self.allow_shrink or None
        )

    @contextmanager
    def yield_for_execution(self, context: InitResourceContext) -> Iterator[ScorecardResource]:
        """A run holds the working database's writer lock from before its first step to
        after its last, so it waits for a writer already at work (a `scorecard run`, another
        run) rather than failing on DuckDB's lock. A sensor reading its settings takes none."""
        run = context.dagster_run
        if run is None:
            yield self
            return
        work_db = self.settings().work_db
        me = writer_lock.Holder(os.getpid(), run.run_id, run.job_name)

        def on_wait(holder: writer_lock.Holder) -> None:
            context.log.info(f"Waiting for {holder.describe()} to finish writing {work_db} ...")

        with writer_lock.writer_lock(work_db, me, on_wait):
            yield self
