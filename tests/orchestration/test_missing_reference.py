"""A missing population.csv or targets.csv still publishes (it reads as empty, as one
rejected whole does), but loudly: an audit row, a failing contract check, a CLI warning."""

from pathlib import Path

import pytest
from dagster import AssetCheckSeverity

from orchestration.assets.raw_keys import REFERENCE_KEYS
from orchestration.assets.raw_reports import results
from orchestration.catalogue import indicator_codes
from orchestration.dates import now_utc
from orchestration.loading.districts import scan_listed
from orchestration.loading.load import Load
from orchestration.loading.reference import load_reference
from tests.conftest import DISTRICTS_CSV, land, query

POPULATION_CSV = "district_code,year,population_0_17\nNOR,2011,1000\nSOU,2011,2000\n"
TARGETS_CSV = (
    "indicator_code,financial_year,district_code,target,tolerance_pct\nREF_COUNT,2011-12,,5,10\n"
)
MISSING = {
    "population": "reference/population.csv is missing: no population, so no rates",
    "targets": "reference/targets.csv is missing: no targets, so no RAG ratings",
}


def missing_rows(load: Load) -> list[tuple]:
    return [
        (row["extract"], row["file_name"], row["path"], row["status"], row["error"])
        for row in load.submissions
        if row["status"] == "rejected"
    ]


@pytest.mark.parametrize(
    ("present", "absent"),
    [
        ({"reference/population.csv": POPULATION_CSV}, "targets"),
        ({"reference/targets.csv": TARGETS_CSV}, "population"),
    ],  # fmt: skip
)
def test_a_missing_reference_file_is_audited_as_rejected(landing: Path, present, absent):
    land(landing, {"reference/districts.csv": DISTRICTS_CSV} | present)
    listed = scan_listed(landing)
    load = load_reference(listed, indicator_codes(), now_utc())
    assert listed.districts == ["NOR", "SOU"]
    assert missing_rows(load) == [
        (absent, f"{absent}.csv", f"reference/{absent}.csv", "rejected", MISSING[absent])
    ]


def test_a_reference_file_rejected_as_ambiguous_is_not_also_called_missing(landing: Path):
    land(
        landing,
        {
            "reference/districts.csv": DISTRICTS_CSV,
            "reference/population.csv": POPULATION_CSV,
            "reference/targets.csv": TARGETS_CSV,
            "reference/Targets.xlsx": b"x",
        },
    )
    load = load_reference(scan_listed(landing), indicator_codes(), now_utc())
    assert missing_rows(load) == []  # the two targets files are rejected by the landing scan


def test_a_missing_targets_file_fails_its_contract_check_as_an_error(landing: Path, tmp_path):
    land(
        landing,
        {"reference/districts.csv": DISTRICTS_CSV, "reference/population.csv": POPULATION_CSV},
    )
    load = load_reference(scan_listed(landing), indicator_codes(), now_utc())
    checks = {
        result.asset_key: result
        for result in results(load, REFERENCE_KEYS, tmp_path / "work.duckdb")
        if hasattr(result, "check_name")
    }
    targets = checks[REFERENCE_KEYS["targets"]]
    assert (targets.passed, targets.severity) == (False, AssetCheckSeverity.ERROR)
    assert targets.metadata["rejected_files"].value == {"reference/targets.csv": MISSING["targets"]}
    assert checks[REFERENCE_KEYS["population"]].passed is True


def test_scorecard_run_publishes_without_targets_and_warns_in_one_line(
    landing: Path, tmp_path: Path, capsys
):
    from orchestration.cli import main

    land(
        landing,
        {
            "reference/districts.csv": DISTRICTS_CSV,
            "reference/population.csv": POPULATION_CSV,
            "2011-04/NOR/referrals.csv": "referral_id,child_id,referral_date\nR1,C1,2011-04-05\n",
        },
    )
    warehouse = tmp_path / "out" / "scorecard.duckdb"
    assert main(["run", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
    lines = capsys.readouterr().out.splitlines()
    warnings = [line for line in lines if line.startswith("Warning:")]
    assert warnings == [f"Warning: {MISSING['targets']}."]
    assert query(
        warehouse,
        "SELECT extract, status, error FROM audit.submissions WHERE status = 'rejected'",
    ) == [("targets", "rejected", MISSING["targets"])]
    assert query(
        warehouse, "SELECT count(*) FROM marts.scorecard_monthly WHERE rag IS NOT NULL"
    ) == [(0,)]
