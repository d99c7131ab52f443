"""The pipeline's one resource: where the landing, working database and warehouse are."""

from __future__ import annotations

from dagster import ConfigurableResource
from pydantic import Field

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
    reload: bool = Field(
        default=False,
        description=(
            "Read every district-month's files again, even those unchanged since they were "
            "loaded (`scorecard run --reload`)"
        ),
    )
    reports_dir: str = Field(
        default="",
        description="Folder of the committee packs (SCORECARD_REPORTS_DIR; default: "
        "`reports` beside the published file)",
    )

    def settings(self) -> Settings:
        return Settings.resolve(
            self.landing_dir,
            self.warehouse,
            self.work_db,
            self.allow_shrink or None,
            reports_dir=self.reports_dir or None,
        )
