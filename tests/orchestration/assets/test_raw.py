"""The raw assets' materialisations: each partition of a range run tells its own story."""

from __future__ import annotations

import hashlib

import pytest
from dagster import AssetKey, DagsterInstance, materialize
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG as RANGE_END_TAG
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_START_TAG as RANGE_START_TAG

from contracts.registry import DISTRICT_EXTRACTS
from orchestration.assets.raw import district_extracts
from orchestration.partitions import district_month_key, register
from orchestration.resources import ScorecardResource
from tests.conftest import DISTRICTS_CSV, land

HEADER = "referral_id,child_id,referral_date\n"
FILES = {
    "reference/districts.csv": DISTRICTS_CSV,
    # NOR 2011-04: 2 rows load, 1 is rejected (a bad date)
    "2011-04/NOR/referrals.csv": HEADER + "R1,C1,2011-04-05\nR2,C2,2011-04-31\nR3,C3,2011-04-06\n",
    "2011-04/NOR/referrals (1).csv": HEADER,  # a browser's copy: seen and ignored
    # SOU 2011-04: 1 row loads, and a workforce file rejected whole (columns missing)
    "2011-04/SOU/referrals.csv": HEADER + "R4,C4,2011-04-07\n",
    "2011-04/SOU/workforce.csv": "worker_id\nW1\n",
    # NOR 2011-05: a workforce file (another extract) and 3 referrals
    "2011-05/NOR/referrals.csv": HEADER + "R5,C5,2011-05-02\nR6,C6,2011-05-03\nR7,C7,2011-05-04\n",
    "2011-05/NOR/workforce.csv": "worker_id,team_code,team_type,case_holding,employment_type,"
    "fte\nW1,T1,fieldwork,Y,agency,.5\nW2,T1,fieldwork,Y,permanent,1\n",
    # SOU 2011-05: no folder at all
}
REFERRALS = AssetKey(["raw", "referrals"])


def sha(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()


@pytest.fixture(scope="module")
def materialisations(tmp_path_factory) -> dict[tuple[str, str], dict]:
    """A range run over 2 months x 2 districts; each event's metadata by (asset, partition)."""
    tmp_path = tmp_path_factory.mktemp("raw")
    landing = land(tmp_path / "landing", FILES)
    with DagsterInstance.ephemeral() as instance:
        register(instance, ["2011-04", "2011-05"], ["NOR", "SOU"])
        result = materialize(
            [district_extracts],
            instance=instance,
            resources={
                "scorecard": ScorecardResource(
                    landing_dir=str(landing), warehouse=str(tmp_path / "scorecard.duckdb")
                )
            },
            tags={
                RANGE_START_TAG: str(district_month_key("2011-04", "NOR")),
                RANGE_END_TAG: str(district_month_key("2011-05", "SOU")),
            },
        )
        assert result.success
        events = result.get_asset_materialization_events()
        return {
            (
                event.asset_key.to_user_string(),
                event.partition,
            ): {name: value.value for name, value in event.materialization.metadata.items()}
            for event in events
        }


def test_a_range_run_records_one_materialisation_per_asset_and_partition(materialisations):
    partitions = {partition for _, partition in materialisations}
    assert partitions == {"NOR|2011-04", "SOU|2011-04", "NOR|2011-05", "SOU|2011-05"}
    assert len(materialisations) == 4 * (len(DISTRICT_EXTRACTS) + 2)  # + folders, submissions


def test_each_partition_carries_its_own_files_rows_and_hashes(materialisations):
    def figures(asset: str, partition: str) -> dict:
        metadata = materialisations[(asset, partition)]
        return {
            name: metadata[name]
            for name in ("files_loaded", "files_rejected", "rows_loaded", "rows_rejected", "sha256")
        }

    assert figures("raw/referrals", "NOR|2011-04") == {
        "files_loaded": 1,
        "files_rejected": 0,
        "rows_loaded": 2,
        "rows_rejected": 1,
        "sha256": {"2011-04/NOR/referrals.csv": sha(FILES["2011-04/NOR/referrals.csv"])},
    }
    assert figures("raw/referrals", "SOU|2011-04") == {
        "files_loaded": 1,
        "files_rejected": 0,
        "rows_loaded": 1,
        "rows_rejected": 0,
        "sha256": {"2011-04/SOU/referrals.csv": sha(FILES["2011-04/SOU/referrals.csv"])},
    }
    assert figures("raw/referrals", "NOR|2011-05")["rows_loaded"] == 3
    assert figures("raw/workforce", "NOR|2011-05") == {
        "files_loaded": 1,
        "files_rejected": 0,
        "rows_loaded": 2,
        "rows_rejected": 0,
        "sha256": {"2011-05/NOR/workforce.csv": sha(FILES["2011-05/NOR/workforce.csv"])},
    }
    assert figures("raw/workforce", "NOR|2011-04") == {
        "files_loaded": 0,
        "files_rejected": 0,
        "rows_loaded": 0,
        "rows_rejected": 0,
        "sha256": {},
    }
    assert figures("raw/workforce", "SOU|2011-04") == {
        "files_loaded": 0,
        "files_rejected": 1,
        "rows_loaded": 0,
        "rows_rejected": 0,
        "sha256": {"2011-04/SOU/workforce.csv": sha(FILES["2011-04/SOU/workforce.csv"])},
    }
    assert figures("raw/referrals", "SOU|2011-05")["files_loaded"] == 0


def test_each_partition_says_whether_its_folder_landed_and_what_it_saw(materialisations):
    folders = {
        partition: metadata["folder_present"]
        for (asset, partition), metadata in materialisations.items()
        if asset == "raw/district_folders"
    }
    assert folders == {
        "NOR|2011-04": True,
        "SOU|2011-04": True,
        "NOR|2011-05": True,
        "SOU|2011-05": False,
    }
    seen = {
        partition: metadata["files_seen"]
        for (asset, partition), metadata in materialisations.items()
        if asset == "audit/submissions"
    }
    assert seen == {"NOR|2011-04": 2, "SOU|2011-04": 2, "NOR|2011-05": 2, "SOU|2011-05": 0}
    nor = materialisations[("audit/submissions", "NOR|2011-04")]
    assert nor["files_ignored"] == 1
    table = nor["files"].splitlines()
    assert table[2:] == [
        "| 2011-04/NOR/referrals (1).csv | ignored |  |  |  |  | not an extract file name |",
        f"| 2011-04/NOR/referrals.csv | loaded | 3 | 2 | 1 | "
        f"{sha(FILES['2011-04/NOR/referrals.csv'])[:12]} |  |",
    ]
