"""A made-up county (``--districts N``): every district lands, the reference files cover
them, and the pipeline's contracts accept them. Three districts, two months: the first
three made-up districts are modelled on Ashford, Canterbury and Dartford."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import walk

from contracts.base import validate
from contracts.registry import REFERENCE_FILES
from orchestration.catalogue import indicator_codes
from orchestration.loading.districts import scan_listed
from orchestration.reading.cells import read_table
from scorecard_demo import DemoManifest, generate_landing
from scorecard_demo.made_up import made_up_districts
from scorecard_demo.submissions import EXTRACTS

CODES = ("ASH001", "BRA002", "COL003")
MONTHS = ("2011-11", "2011-12")


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    root = tmp_path_factory.mktemp("made_up") / "landing"
    return generate_landing(root, MONTHS[0], MONTHS[-1], seed=3, districts=3)


def judge(root: Path, name: str):
    """A reference file judged by its contract, in the listed districts' context."""
    contract = REFERENCE_FILES[name]
    table = read_table(f"{name}.csv", (root / "reference" / f"{name}.csv").read_bytes())
    context = {"districts": CODES, "indicator_codes": indicator_codes()}
    return validate(table.cells, contract, contract.schema(**context))


def test_every_district_lands_every_extract_every_month(county: DemoManifest):
    assert county.districts == CODES
    landed = {(f.reporting_month, f.district_code, f.extract) for f in county.files}
    # 2 months x 3 districts x 8 extracts
    assert len(county.files) == 48
    assert landed == {(m, c, x) for m in MONTHS for c in CODES for x in EXTRACTS}
    assert all((county.out_dir / f.path).is_file() for f in county.files)


def test_a_made_up_district_exports_in_its_models_house_style(county: DemoManifest):
    styles = {(f.district_code, f.extract): f.style for f in county.files}
    assert styles["ASH001", "referrals"] == "csv utf-8 lf iso"
    # Canterbury's: Windows-1252 referrals from Excel, CRLF, UK dates, title-case headers
    assert styles["BRA002", "referrals"] == "csv cp1252 crlf uk headers:title"
    assert styles["COL003", "allocations"] == "csv utf-8-sig crlf iso"  # Dartford's BOM


def test_districts_csv_lists_them_and_the_contract_accepts_them(county: DemoManifest):
    text = (county.out_dir / "reference" / "districts.csv").read_text()
    assert (
        text == "district_code,district_name\nASH001,Ashbury\nBRA002,Bramcombe\nCOL003,Coledale\n"
    )
    judged = judge(county.out_dir, "districts")
    assert judged.rejected.empty
    assert sorted(judged.records["district_code"]) == list(CODES)


def test_population_and_targets_cover_the_districts_and_pass_their_contracts(
    county: DemoManifest,
):
    population = judge(county.out_dir, "population")
    assert population.rejected.empty
    # one row per district for 2011, each at its 2011 size (a whole hundred already)
    assert sorted(population.records[["district_code", "population_0_17"]].itertuples(False)) == [
        ("ASH001", 14_800),
        ("BRA002", 240_600),
        ("COL003", 138_500),
    ]
    targets = judge(county.out_dir, "targets")
    assert targets.rejected.empty
    # none of the three stands in for Thanet or Maidstone, whose own targets are left out:
    # the 16 county-wide or every-district rows of TARGETS for 2011-12
    assert len(targets.records) == 16
    assert set(targets.records["district_code"].dropna()) == {"ALL"}


def test_the_pipeline_finds_each_districts_folders(county: DemoManifest):
    listed = scan_listed(county.out_dir)
    assert listed.require_districts() == list(CODES)
    assert set(listed.landing.district_folders) == {(m, c) for m in MONTHS for c in CODES}


def test_workers_land_the_same_bytes(county: DemoManifest, tmp_path: Path):
    again = generate_landing(
        tmp_path / "again", MONTHS[0], MONTHS[-1], seed=3, districts=3, workers=2
    )
    first = {p.relative_to(county.out_dir): p.read_bytes() for p in walk(county.out_dir)}
    second = {p.relative_to(again.out_dir): p.read_bytes() for p in walk(again.out_dir)}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    assert (again.files, again.bad_rows, again.quirks) == (
        county.files,
        county.bad_rows,
        county.quirks,
    )


def test_a_district_is_the_same_in_a_county_of_any_size():
    assert made_up_districts(150)[:3] == made_up_districts(3)
    codes = [p.code for p in made_up_districts(200)]
    assert len(set(codes)) == 200
    assert codes[186:189] == ["STA187", "ASH188", "BRA189"]  # 17 x 11 = 187 names, then again
    assert made_up_districts(188)[-1].name == "Ashbury 2"
