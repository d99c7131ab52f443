"""The committee pack of the demo's warehouse shows the warehouse's own figures.

The warehouse is tests/conftest.py's generated_db: the demo generator's county, twelve
districts, nineteen indicators, Mar to May 2011, built once a session with tests/warehouse.
The pack is April's: its county has green, amber and red ratings and three figures
incomplete because Tunbridge Wells' core assessments were rejected whole; five districts
had rows rejected (Swale two); and Dover sent a file the landing ignored by its name.

The demo's figures are generated, not worked out by hand, so each cell is compared with
the warehouse as this module reads it; a few literals, looked up once in this warehouse,
make the test fail should the pack and the query go wrong together.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.pack import write_pack
from tests.conftest import query
from tests.orchestration.pack.dom import Node, cell, exact, headline, parse

MONTH, MONTH_START, MONTH_LABEL = "2011-04", "2011-04-01", "Apr 2011"
RAG_WORDS = {"green": "✓ Green", "amber": "! Amber", "red": "✗ Red"}


@pytest.fixture(scope="module")
def page(generated_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Node:
    out = tmp_path_factory.mktemp("demo-pack") / f"{MONTH}.html"
    return parse(write_pack(generated_db, out, MONTH).path.read_text(encoding="utf-8"))


def scorecard(warehouse: Path, district: str) -> dict[str, dict]:
    """April's row of each indicator for ``district``, with how many districts were ranked."""
    columns = ("value", "status", "target", "rag", "rank", "ranked")
    rows = query(
        warehouse,
        "SELECT indicator_code, value, data_status, target, rag, district_rank, ranked FROM ("
        "  SELECT *, count(district_rank) OVER (PARTITION BY indicator_code) AS ranked"
        "  FROM marts.scorecard_monthly WHERE month_start = ?"
        ") WHERE district_code = ?",
        [MONTH_START, district],
    )
    return {code: dict(zip(columns, row, strict=True)) for code, *row in rows}


def texts(row: Node, *columns: str) -> list[str]:
    return [cell(row, column).text() for column in columns]


def assert_shows(row: Node, sql: dict, with_rank: bool = False) -> None:
    """One indicator's row of the pack holds the warehouse's value, target, RAG and rank."""
    value = cell(row, "value")
    if sql["value"] is None:  # why in words, no number
        assert value.find_all("data") == []
        assert value.text().startswith(sql["status"].replace("_", " ").capitalize())
    else:
        assert exact(value) == sql["value"]
    target = cell(row, "target")
    if sql["target"] is None:
        assert target.text() == "No target"
    else:
        assert exact(target) == sql["target"]
    rag = cell(row, "rag").text()
    assert (rag == RAG_WORDS[sql["rag"]]) if sql["rag"] else rag.startswith("Not rated")
    if with_rank:
        rank = cell(row, "rank").text()
        expected = "Not ranked" if sql["rank"] is None else f"{sql['rank']} of {sql['ranked']}"
        assert rank == expected


def test_every_district_in_dim_district_has_its_page(page, generated_db):
    districts = query(
        generated_db,
        "SELECT district_code, district_name FROM marts.dim_district WHERE NOT is_county "
        "ORDER BY district_name, district_code",
    )
    (indicators,) = query(generated_db, "SELECT count(*) FROM marts.dim_indicator")[0]
    pages = page.find_all("table", **{"class": "district-scorecard"})
    assert [(t.attrs["data-district"], t.find("caption").text()) for t in pages] == [
        (code, f"{name}: scorecard for {MONTH_LABEL}") for code, name in districts
    ]
    for table in pages:
        assert len([r for r in table.find_all("tr") if "data-indicator" in r.attrs]) == indicators
    # looked up once: Kent's twelve districts, the county has none of these pages
    assert (len(pages), indicators) == (12, 19)
    assert pages[0].find("caption").text() == "Ashford: scorecard for Apr 2011"
    assert page.find_all("section", id="district-ALL") == []


def test_the_county_headline_is_the_warehouses(page, generated_db):
    sql = scorecard(generated_db, "ALL")
    rows = headline(page)
    assert sorted(rows) == sorted(sql)
    for code, row in rows.items():
        assert_shows(row, sql[code])
    # not vacuous: every RAG, and figures missing for a reason
    assert {row["rag"] for row in sql.values()} == {"green", "amber", "red", None}
    assert sorted(code for code, row in sql.items() if row["value"] is None) == [
        "CA_35WD_PCT", "CA_OOT_COUNT", "REF_RATE_12M"]  # fmt: skip
    # looked up once in this warehouse, as the pack shows them
    columns = ("value", "target", "rag")
    assert texts(rows["REF_COUNT"], *columns) == [
        "1,749", "No target", "Not rated (no better direction)"]  # fmt: skip
    assert texts(rows["IA_7WD_PCT"], *columns) == ["68.2%", "69.0%", "! Amber"]
    assert texts(rows["UNALLOC_28D_COUNT"], *columns) == ["1", "10", "✓ Green"]
    assert texts(rows["LAC_RATE"], *columns) == ["51.0", "47.0", "✗ Red"]
    assert texts(rows["AGENCY_FTE_PCT"], *columns) == ["14.5%", "10.0%", "✗ Red"]
    assert texts(rows["CA_35WD_PCT"], *columns) == [
        "Incomplete (some districts missing)", "80.0%", "Not rated (no figure)"]  # fmt: skip


def test_each_district_page_shows_its_figures_and_rank(page, generated_db):
    for (code,) in query(generated_db, "SELECT district_code FROM marts.dim_district"):
        if code == "ALL":
            continue
        sql = scorecard(generated_db, code)
        table = page.find("table", data_district=code, data_month=MONTH)
        rows = {r.attrs["data-indicator"]: r for r in table.find_all("tr")
                if "data-indicator" in r.attrs}  # fmt: skip
        assert sorted(rows) == sorted(sql)
        for indicator, row in rows.items():
            assert_shows(row, sql[indicator], with_rank=True)
    # looked up once: Swale's page, and Tunbridge Wells' rejected core assessments, which
    # leave it without a figure or rank and eleven districts ranked
    swale = page.find("table", data_district="SWA", data_month=MONTH)
    columns = ("value", "target", "rag", "rank")
    assert texts(swale.find("tr", data_indicator="IA_7WD_PCT"), *columns) == [
        "60.7%", "69.0%", "✗ Red", "11 of 12"]  # fmt: skip
    assert texts(swale.find("tr", data_indicator="UNALLOC_28D_COUNT"), *columns) == [
        "0", "1", "✓ Green", "1 of 12"]  # fmt: skip
    assert texts(swale.find("tr", data_indicator="CA_35WD_PCT"), *columns) == [
        "81.7%", "80.0%", "✓ Green", "3 of 11"]  # fmt: skip
    tunbridge = page.find("table", data_district="TUN", data_month=MONTH)
    assert texts(tunbridge.find("tr", data_indicator="CA_35WD_PCT"), "value", "rank") == [
        "Not submitted", "Not ranked"]  # fmt: skip


def test_data_quality_counts_the_rows_rejected_in_each_district(page, generated_db):
    sql = dict(
        query(
            generated_db,
            "SELECT district_code, count(*) FROM audit.rejected_rows "
            "WHERE reporting_month = ? GROUP BY ALL",
            [MONTH_START],
        )
    )
    shown: dict[str, int] = {}
    for row in page.find("table", id="rejected-rows").find_all("tr"):
        if "data-district" in row.attrs:
            district = row.attrs["data-district"]
            shown[district] = shown.get(district, 0) + int(row.find("data").attrs["value"])
    assert shown == sql
    assert shown == {"SEV": 1, "SHE": 1, "SWA": 2, "THA": 1, "TON": 1}  # looked up once


def test_data_quality_shows_each_files_rows_and_the_file_rejected_whole(page, generated_db):
    files = query(
        generated_db,
        "SELECT district_code, extract, status, rows_loaded, rows_rejected "
        "FROM audit.submissions WHERE reporting_month = ? AND extract IS NOT NULL",
        [MONTH_START],
    )
    submissions = page.find("table", id="submissions")
    for district, extract, status, loaded, rejected in files:
        shown = submissions.find("tr", data_district=district).find("td", data_extract=extract)
        counts = [int(data.attrs["value"]) for data in shown.find_all("data")]
        if status == "loaded":
            assert counts == ([loaded, rejected] if rejected else [loaded])
        else:
            assert (counts, shown.text()) == ([], "Rejected whole")
    # looked up once: 12 districts x 8 extracts, one rejected whole
    assert (len(files), [f[:3] for f in files if f[2] != "loaded"]) == (
        96, [("TUN", "core_assessments", "rejected")])  # fmt: skip
    swale = submissions.find("tr", data_district="SWA")
    assert swale.find("td", data_extract="referrals").text() == "Loaded (196 rows, 2 rejected)"
    rejected = page.find("table", id="rejected-files").find_all("tr", data_district="TUN")
    assert [r.text() for r in rejected] == [
        "Tunbridge Wells core assessments core_assessments.csv "
        "required column(s) missing: start_date"
    ]
