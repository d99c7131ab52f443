"""The one Dagster `Definitions` of the scorecard pipeline.

Load it with `dagster dev` from the project root (pyproject's [tool.dagster] names
this module). Resources read SCORECARD_* environment variables with working defaults.
"""

from dagster import Definitions

from orchestration.assets.publish import published_warehouse
from orchestration.assets.quality import marts_expectations, scorecard_not_shrunk
from orchestration.assets.raw import district_extracts, reference_files
from orchestration.assets.report import committee_pack
from orchestration.assets.timeliness import submitted_by_build_day
from orchestration.assets.transform import scorecard_dbt
from orchestration.dbt_project import DBT_PROJECT, dbt_resource
from orchestration.executor import writer_locked_executor
from orchestration.jobs import district_month_update, reference_update, scorecard_build
from orchestration.resources import ScorecardResource
from orchestration.schedules import monthly_scorecard
from orchestration.sensors import landing_sensor

defs = Definitions(
    assets=[reference_files, district_extracts, scorecard_dbt, published_warehouse, committee_pack],
    asset_checks=[marts_expectations, scorecard_not_shrunk, submitted_by_build_day],
    jobs=[scorecard_build, district_month_update, reference_update],
    schedules=[monthly_scorecard],
    sensors=[landing_sensor],
    resources={
        "scorecard": ScorecardResource(),
        "dbt": dbt_resource(DBT_PROJECT),
    },
    # Steps share one DuckDB file that allows a single writer: run them one after another
    # in the run's own process (also saves a process start-up per step), holding the
    # writer lock for the run so it waits for `scorecard run` rather than failing.
    executor=writer_locked_executor,
)
