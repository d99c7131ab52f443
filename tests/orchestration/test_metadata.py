"""What a build shows in the Dagster UI: every event's metadata serialisable, and the
published file named, hashed and dated by the month a committee reads."""

import hashlib

import pytest
from dagster import DagsterInstance, MetadataValue, TextMetadataValue
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG as RANGE_END_TAG
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_START_TAG as RANGE_START_TAG
from dagster._serdes import serialize_value

from orchestration.partitions import district_month_key, register
from tests.conftest import DISTRICTS_CSV, land

REFERRAL = "referral_id,child_id,referral_date\nR1,CHILD-A,2011-04-05\n"
LANDING = {
    "reference/districts.csv": DISTRICTS_CSV,
    "reference/population.csv": (
        "district_code,year,population_0_17\nNOR,2011,1000\nSOU,2011,2000\n"
    ),
    "2011-04/NOR/referrals.csv": REFERRAL,
    "2011-04/SOU/referrals.csv": REFERRAL,
    "2011-05/NOR/referrals.csv": REFERRAL,  # SOU has not submitted May
}


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """One scorecard_build run in process, on an instance the test keeps."""
    from orchestration.definitions import defs

    root = tmp_path_factory.mktemp("ui")
    landing = land(root / "landing", LANDING)
    warehouse = root / "out" / "scorecard.duckdb"
    config = {"landing_dir": str(landing), "warehouse": str(warehouse)}
    with DagsterInstance.ephemeral() as instance:
        register(instance, ["2011-04", "2011-05"], ["NOR", "SOU"])
        result = defs.resolve_job_def("scorecard_build").execute_in_process(
            run_config={"resources": {"scorecard": {"config": config}}},
            instance=instance,
            tags={
                RANGE_START_TAG: str(district_month_key("2011-04", "NOR")),
                RANGE_END_TAG: str(district_month_key("2011-05", "SOU")),
            },
        )
        yield result, warehouse


def test_no_event_of_a_build_carries_unserializable_metadata(build):
    result, _ = build
    bad = []
    for event in result.all_events:
        data = event.event_specific_data
        holder = getattr(data, "materialization", None) or getattr(
            data, "asset_check_evaluation", None
        )
        for name, value in (getattr(holder, "metadata", None) or {}).items():
            if not isinstance(value, MetadataValue) or (
                isinstance(value, TextMetadataValue) and "(unserializable)" in value.text
            ):
                bad.append((event.asset_key, name))
        serialize_value(event)  # every event reaches the event log as it is
    assert bad == []


def test_the_publication_names_its_file_hash_size_and_committee_month(build):
    result, warehouse = build
    [published] = [
        event.materialization.metadata
        for event in result.get_asset_materialization_events()
        if event.asset_key.path == ["publish", "published_warehouse"]
    ]
    assert published["warehouse"].value == str(warehouse)
    assert published["sha256"].value == hashlib.sha256(warehouse.read_bytes()).hexdigest()
    assert published["size_bytes"].value == warehouse.stat().st_size
    # only referrals landed, so no month's county figures are complete: the committee's
    # month is then the latest, and the scorecard says why
    assert published["committee_month"].value == "2011-05"
    assert published["latest_month"].value == "2011-05"
    assert published["publication_id"].value == 1  # the first: nothing revised yet
    assert published["revised_figures_in_committee_month"].value == 0
    # two months of history: nothing is judged before a figure's 12th point
    assert published["special_cause_signals_in_committee_month"].value == 0
    scorecard = published["county_scorecard"].value
    assert scorecard.startswith("**County scorecard, May 2011**")
    assert "No month's county figures are complete; May 2011, the latest, is shown" in scorecard


def test_a_build_reports_the_districts_late_for_the_month_due(build):
    result, _ = build
    [evaluation] = [
        event.event_specific_data
        for event in result.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION"
        and event.event_specific_data.check_name == "submitted_by_build_day"
    ]
    # long past the build day of 2011-05, the landing's latest month: SOU never sent it
    assert evaluation.passed is False
    assert evaluation.metadata["month"].value == "2011-05"
    assert evaluation.metadata["late_districts"].value == ["SOU"]
