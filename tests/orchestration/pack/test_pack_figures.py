"""The committee pack shows the warehouse's own figures, cell for cell, for any county,
and says in words why a figure, rating or chart is missing (handmade.py's Testshire)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from orchestration.cli import main
from orchestration.pack import write_pack
from orchestration.pack.families import family_of
from tests.conftest import query
from tests.orchestration.pack.dom import Node, cell, exact, headline, parse
from tests.orchestration.pack.handmade import DISTRICTS, SECRET, add_signals, build_warehouse


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return build_warehouse(tmp_path / "testshire.duckdb")


def pack(warehouse: Path, month: str | None = "2012-03") -> Node:
    summary = write_pack(warehouse, warehouse.with_name(f"pack-{month}.html"), month)
    return parse(summary.path.read_text(encoding="utf-8"))


def sql_value(warehouse: Path, month: str, district: str, code: str):
    return query(
        warehouse,
        "SELECT value, data_status FROM marts.scorecard_monthly WHERE month_start = ? "
        "AND district_code = ? AND indicator_code = ?",
        [month, district, code],
    )[0]


def test_the_default_month_is_the_latest_complete_for_the_county(warehouse):
    # March is incomplete (Eastwick sent no referrals), so the committee sees February.
    summary = write_pack(warehouse, None)
    assert (summary.month, summary.path) == ("2012-02", warehouse.parent / "reports/2012-02.html")
    assert (summary.districts, summary.indicators) == (3, 3)
    # February's county: IA_7WD_PCT amber, UNALLOC_COUNT red, REF_COUNT neutral
    assert summary.rag_counts == {"green": 0, "amber": 1, "red": 1, "none": 1}
    page = parse(summary.path.read_text(encoding="utf-8"))
    assert page.find("h1").text() == "Children's services scorecard: Testshire, Feb 2012"
    assert (
        page.find("p", **{"class": "note"})
        .text()
        .startswith(
            "Mar 2012 is the latest month, but its county figures are incomplete (not every "
            "extract submitted: EAS), so this is Feb 2012"
        )
    )


def test_headline_figures_are_the_warehouses(warehouse):
    rows = headline(pack(warehouse, "2012-02"))
    assert list(rows) == ["REF_COUNT", "IA_7WD_PCT", "UNALLOC_COUNT"]
    for code, row in rows.items():
        assert exact(cell(row, "value")) == sql_value(warehouse, "2012-02-01", "ALL", code)[0]
    # 20 of 30 assessments in time: 66.666...% shown to one decimal, stored unrounded
    ia = rows["IA_7WD_PCT"]
    assert exact(cell(ia, "value")) == 200 / 3
    assert [cell(ia, c).text() for c in ("value", "target", "rag", "direction")] == [
        "66.7%", "69.0%", "! Amber", "↗ Improving"]  # fmt: skip
    assert [cell(rows["REF_COUNT"], c).text() for c in ("value", "target", "rag")] == [
        "19", "No target", "Not rated (no better direction)"]  # fmt: skip
    assert len(rows["UNALLOC_COUNT"].find_all("svg")) == 1  # its 13-month sparkline


def test_a_missing_figure_says_why_in_words(warehouse):
    rows = headline(pack(warehouse))
    assert [cell(rows["REF_COUNT"], c).text() for c in ("value", "rag", "direction")] == [
        "Incomplete (some districts missing)", "Not rated (no better direction)",
        "Not judged (no better direction)"]  # fmt: skip
    assert cell(rows["IA_7WD_PCT"], "rag").text() == "Not rated (no figure)"
    assert [cell(rows["UNALLOC_COUNT"], c).text() for c in ("value", "target", "rag")] == [
        "19", "15", "✗ Red"]  # fmt: skip


def test_every_district_page_shows_the_warehouses_figures_and_rank(warehouse):
    page = pack(warehouse)
    for code, name in DISTRICTS:
        table = page.find("table", data_district=code, data_month="2012-03")
        assert table.find("caption").text() == f"{name}: scorecard for Mar 2012"
        for row in table.find_all("tr"):
            if "data-indicator" not in row.attrs:
                continue
            value, status = sql_value(warehouse, "2012-03-01", code, row.attrs["data-indicator"])
            if value is None:
                assert (
                    cell(row, "value").text()
                    == "Not submitted"
                    == status.replace("_", " ").capitalize()
                )
            else:
                assert exact(cell(row, "value")) == value
    eastwick = page.find("table", data_district="EAS", data_month="2012-03")
    unalloc = eastwick.find("tr", data_indicator="UNALLOC_COUNT")
    assert [cell(unalloc, c).text() for c in ("value", "target", "rag", "direction", "rank")] == [
        "6", "No target", "Not rated (no target)", "→ Unchanged", "2 of 3"]  # fmt: skip
    northam_ia = page.find("table", data_district="NOR", data_month="2012-03").find(
        "tr", data_indicator="IA_7WD_PCT"
    )
    assert cell(northam_ia, "rank").text() == "1 of 2"  # Eastwick has no figure, not ranked
    assert cell(eastwick.find("tr", data_indicator="IA_7WD_PCT"), "rank").text() == "Not ranked"


def test_districts_are_compared_in_rank_order_with_the_county_last(warehouse):
    page = pack(warehouse)
    unalloc = page.find("table", **{"class": "district-table", "data-indicator": "UNALLOC_COUNT"})
    order = [(r.attrs["data-district"], cell(r, "rank").text(), cell(r, "value").text())
             for r in unalloc.find_all("tr") if "data-district" in r.attrs]  # fmt: skip
    assert order == [("NOR", "1 of 3", "4"), ("EAS", "2 of 3", "6"), ("SOU", "3 of 3", "9"),
                     ("ALL", "County", "19")]  # fmt: skip
    # neutral: not ranked, largest first, a district without a figure last
    referrals = page.find("table", **{"class": "district-table", "data-indicator": "REF_COUNT"})
    assert [(r.attrs["data-district"], cell(r, "value").text()) for r in referrals.find_all("tr")
            if "data-district" in r.attrs][:3] == [
        ("NOR", "10"), ("SOU", "7"), ("EAS", "Not submitted")]  # fmt: skip


def test_every_chart_is_svg_with_a_caption_and_its_figures_in_a_table(warehouse):
    page = pack(warehouse)
    figures = page.find_all("figure")
    assert len(figures) == 6  # a trend and a district chart for each of 3 indicators
    for figure in figures:
        caption = figure.find("figcaption")
        assert figure.attrs["aria-labelledby"] == caption.attrs["id"]
        image = figure.find("div", role="img")
        assert image.attrs["aria-labelledby"] == caption.attrs["id"]
        assert len(image.find_all("svg")) == 1
    trend = page.find("table", **{"class": "trend-table", "data-indicator": "UNALLOC_COUNT"})
    assert [(r.attrs["data-month"], exact(cell(r, "value"))) for r in trend.find_all("tr")
            if "data-month" in r.attrs] == [
        ("2012-01", 21.0), ("2012-02", 18.0), ("2012-03", 19.0)]  # fmt: skip


def test_a_chart_with_nothing_to_draw_says_why(warehouse):
    # January: no district submitted referrals, so no referrals chart has a point.
    article = pack(warehouse, "2012-01").find("article", id="indicator-REF_COUNT")
    assert article.find_all("svg") == []
    assert [p.text() for p in article.find_all("p", **{"class": "status"})] == [
        "No chart: the county has no figure for this indicator from Jan 2012 to Jan 2012 "
        "(Incomplete (some districts missing): 1 months).",
        "No chart: no district has a figure for Jan 2012 (Not submitted).",
    ]


def test_data_quality_shows_what_was_received_and_reasons_never_records(warehouse):
    page = pack(warehouse)
    submissions = page.find("table", id="submissions")
    northam = submissions.find("tr", data_district="NOR")
    assert northam.find("td", data_extract="referrals").text() == "Loaded (10 rows, 1 rejected)"
    assert northam.find("td", data_extract="cp_plans").text() == "Not received"
    eastwick = submissions.find("tr", data_district="EAS")
    assert eastwick.find("td", data_extract="referrals").text() == "Rejected whole"
    rejected = page.find("table", id="rejected-files").find_all("tr", data_district="EAS")
    assert [r.text() for r in rejected] == [
        "Eastwick referrals referrals.csv the header has no child_id column"]  # fmt: skip
    rows = page.find("table", id="rejected-rows")
    # March only: Northam 1 row, Southby 2 rows with one reason (February's row left out)
    assert [r.text() for r in rows.find_all("tr") if "data-district" in r.attrs] == [
        "Northam referrals referral_date is not a date 1",
        "Southby referrals child_id is blank 2",
    ]
    html = (warehouse.parent / "pack-2012-03.html").read_text(encoding="utf-8")
    assert SECRET not in html and "raw_record" not in html


def test_a_file_ignored_by_its_name_adds_no_column_and_breaks_nothing(warehouse):
    # the landing records `referrals (1).csv` in a district's folder as ignored, with no
    # extract: the pack once failed sorting that None among the extracts' names
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "INSERT INTO audit.submissions VALUES ('2012-03-01', 'NOR', NULL, "
            "'referrals (1).csv', 'ignored', NULL, NULL, NULL, 'not an extract file name')"
        )
    submissions = pack(warehouse).find("table", id="submissions")
    assert "None" not in submissions.text()
    northam = submissions.find("tr", data_district="NOR")
    assert northam.find("td", data_extract="referrals").text() == "Loaded (10 rows, 1 rejected)"


def test_the_extracts_received_are_a_column_each_as_the_catalogue_lists_them(warehouse):
    # indicators.csv's `needs` separates extracts by `|` (`workforce|establishment`): a
    # column each, in the catalogue's order, not one column for the pair
    submissions = pack(warehouse).find("table", id="submissions")
    assert [th.text() for th in submissions.find_all("th") if th.attrs.get("scope") == "col"] == [
        "District", "referrals", "initial assessments", "core assessments", "allocations",
        "cp plans", "looked after", "workforce", "establishment"]  # fmt: skip
    # an indicator's section follows the first extract it needs, whatever its code
    assert family_of("NEW_CODE", "cp_plans|workforce") == "Child protection and looked after"


def test_signal_columns_are_left_out_until_the_warehouse_has_them(warehouse):
    page = pack(warehouse)
    headers = [th.text() for th in page.find("table", id="headline-table").find_all("th")
               if th.attrs.get("scope") == "col"]  # fmt: skip
    assert headers == ["Indicator", "Value", "Target", "RAG", "Direction", "Trend, 3 months"]
    assert page.find("section", id="revisions").find("p").text() == (
        "This warehouse does not record figures as first published, so revisions cannot be shown."
    )


def test_variation_assurance_limits_and_revisions_shown_once_the_warehouse_has_them(warehouse):
    page = pack(add_signals(warehouse))
    unalloc = page.find("table", id="headline-table").find("tr", data_indicator="UNALLOC_COUNT")
    assert [cell(unalloc, c).text() for c in ("variation", "assurance")] == [
        "Special cause: concern", "Consistently misses the target"]  # fmt: skip
    northam = page.find("table", data_district="NOR", data_month="2012-03")
    assert cell(northam.find("tr", data_indicator="UNALLOC_COUNT"), "value").text() == (
        "4 Revised: first published as 3"
    )
    trend = page.find("table", **{"class": "trend-table", "data-indicator": "UNALLOC_COUNT"})
    march = trend.find("tr", data_month="2012-03")
    assert [exact(cell(march, c)) for c in ("mean", "lower_limit", "upper_limit")] == [
        19.5, 18.5, 20.5]  # fmt: skip
    assert cell(march, "variation").text() == "Special cause: concern"
    # no month of IA_7WD_PCT is judged: no columns of blanks
    ia = page.find("table", **{"class": "trend-table", "data-indicator": "IA_7WD_PCT"})
    assert ia.find_all("td", data_column="mean") == []
    revised = page.find("table", id="revised-figures").find_all("tr", data_district="NOR")
    assert [r.text() for r in revised] == [
        "Mar 2012 Northam Open cases unallocated at month end 3 4"
    ]


# a src, href or url() naming another host or scheme, or any @import
NETWORK = re.compile(
    r"""(?:\b(?:src|href|xlink:href|action|srcset|poster)\s*=\s*["']?\s*(?:https?:|//))"""
    r"""|url\(\s*["']?\s*(?:https?:|//)|@import""",
    re.IGNORECASE,
)


def test_the_pack_references_no_network_address(warehouse):
    html = write_pack(add_signals(warehouse), warehouse.with_name("p.html"), "2012-03").path
    text = html.read_text(encoding="utf-8")
    assert NETWORK.findall(text) == []
    assert "<script" not in text and "<link" not in text and "<img" not in text
    # the check itself catches each kind of reference
    for bad in ('<img src="https://x.org/a.png">', "<a href='//cdn/x'>", "url( http://f/x.woff)",
                '@import "s.css";', '<use xlink:href="http://x/s.svg#a"/>'):  # fmt: skip
        assert NETWORK.search(bad), bad


def test_scorecard_report_writes_the_pack_and_says_where(capsys, warehouse, tmp_path):
    out = tmp_path / "out" / "march.html"
    assert main(["report", "--warehouse", str(warehouse), "--month", "2012-03",
                 "--out", str(out)]) == 0  # fmt: skip
    assert capsys.readouterr().out == (
        f"Wrote the committee pack for Mar 2012 to {out} (3 districts, 3 indicators).\n"
    )
    assert parse(out.read_text(encoding="utf-8")).find("h1").text().endswith("Mar 2012")
    assert main(["report", "--warehouse", str(warehouse), "--month", "2015-01"]) == 2
    assert capsys.readouterr().err == (
        "The warehouse holds no figures for 2015-01: its months run from Jan 2012 to Mar 2012.\n"
    )
    assert main(["report", "--warehouse", str(warehouse), "--month", "2012-3"]) == 2
    assert main(["report", "--warehouse", str(tmp_path / "none.duckdb")]) == 1


def test_the_demo_names_the_pack_the_run_wrote(warehouse, tmp_path):
    from orchestration.pack.command import written_pack
    from orchestration.settings import Settings

    settings = Settings.resolve(tmp_path, warehouse, reports_dir=tmp_path / "packs")
    assert written_pack(settings) == (
        f"No committee pack was written to {tmp_path / 'packs/2012-02.html'}: "
        "run `scorecard report`."
    )
    write_pack(warehouse, None, None, settings.reports_dir)
    assert written_pack(settings) == (
        f"The committee pack for February 2012 is {tmp_path / 'packs/2012-02.html'} "
        "(open it in a browser)."
    )
