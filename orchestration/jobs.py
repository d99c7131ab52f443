"""The jobs the CLI, the schedule and the sensor launch: the same assets, three scopes."""

from dagster import AssetSelection, define_asset_job

from orchestration.assets.publish import published_warehouse
from orchestration.assets.raw import district_extracts, reference_files
from orchestration.assets.report import committee_pack
from orchestration.assets.transform import scorecard_dbt
from orchestration.partitions import DISTRICT_MONTHS

_DOWNSTREAM = AssetSelection.assets(scorecard_dbt, published_warehouse, committee_pack)

WAREHOUSE_TAGS = {"scorecard/warehouse": "writes"}
"""Every job writes the working database: dagster_home/dagster.yaml lets one such run
in progress at a time (with the `scorecard_warehouse` pool, which also covers ad-hoc
materialisations from the asset graph)."""

scorecard_build = define_asset_job(
    "scorecard_build",
    tags=WAREHOUSE_TAGS,
    selection=AssetSelection.all(),
    partitions_def=DISTRICT_MONTHS,
    description=(
        "Everything: reference files, the district-months in the run's partition range, "
        "dbt, checks, publish and the committee pack. `scorecard run` and the monthly "
        "schedule launch it."
    ),
)

district_month_update = define_asset_job(
    "district_month_update",
    tags=WAREHOUSE_TAGS,
    selection=AssetSelection.assets(district_extracts) | _DOWNSTREAM,
    partitions_def=DISTRICT_MONTHS,
    description="One district-month (re)submitted: reload it, rebuild what depends on it, publish.",
)

reference_update = define_asset_job(
    "reference_update",
    tags=WAREHOUSE_TAGS,
    selection=AssetSelection.assets(reference_files) | _DOWNSTREAM,
    description="Reference files or the landing's layout changed: reload them, rebuild, publish.",
)
