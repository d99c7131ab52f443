"""`scorecard run` with nothing changed publishes the same figures again without a run
(orchestration.rerun); anything that could change a figure makes an ordinary run.

The working database here is made by hand with what a publishing run leaves: its
history, marts.dim_publication and raw.last_publish. tests/orchestration/
test_publications.py does the same through the real CLI.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration import rerun, warehouse
from orchestration.settings import Settings
from tests.conftest import DISTRICTS_CSV, land, query

LANDING = {
    "reference/districts.csv": DISTRICTS_CSV,
    "2011-04/NOR/referrals.csv": "referral_id,child_id,referral_date\nR1,C1,2011-04-05\n",
}


@pytest.fixture
def published(landing: Path, tmp_path: Path) -> Settings:
    """Publication 2 of April-May 2011, recorded as made from ``landing`` as it is."""
    land(landing, LANDING)
    settings = Settings.resolve(landing, tmp_path / "out" / "scorecard.duckdb")
    with warehouse.connect(settings.work_db) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute(
            "CREATE TABLE marts.dim_publication AS SELECT * FROM (VALUES "
            "(1, TIMESTAMP '2011-06-08 07:00', DATE '2011-04-01', DATE '2011-04-01'), "
            "(2, TIMESTAMP '2011-07-08 07:00', DATE '2011-04-01', DATE '2011-05-01')) "
            "t(publication_id, published_at, first_month, last_month)"
        )
        con.execute(
            "CREATE TABLE marts.fct_scorecard_revision AS SELECT DATE '2011-04-01' AS "
            "month_start, 'NOR' AS district_code, 'REF_COUNT' AS indicator_code, "
            "1::BIGINT AS publication_id, 1.0 AS value, 'ok' AS data_status, NULL AS rag"
        )
        con.execute("INSERT INTO history.publications SELECT * FROM marts.dim_publication")
    warehouse.publish(settings.work_db, settings.warehouse)
    rerun.record(settings, rerun.inputs(settings))
    return settings


def again(settings: Settings) -> str | None:
    waited = []
    sentence = rerun.publish_again(settings, waited.append)
    assert waited == []
    return sentence


def test_nothing_changed_publishes_the_same_figures_again_as_the_next_publication(published):
    sentence = again(published)
    assert sentence.startswith(
        "Nothing has changed since publication 2 (the same landing files, code and "
        "settings): published its figures again as publication 3, without rebuilding"
    )
    rows = query(
        published.warehouse,
        "SELECT publication_id, first_month, last_month FROM marts.dim_publication ORDER BY 1",
    )
    assert rows == [
        (1, date(2011, 4, 1), date(2011, 4, 1)),
        (2, date(2011, 4, 1), date(2011, 5, 1)),
        (3, date(2011, 4, 1), date(2011, 5, 1)),
    ]
    # no revision rows; the working history is the published one; the record follows it
    assert query(published.warehouse, "SELECT count(*) FROM marts.fct_scorecard_revision") == [(1,)]
    assert query(published.work_db, "SELECT max(publication_id) FROM history.publications") == [
        (3,)
    ]
    assert again(published).startswith("Nothing has changed since publication 3")


def clear_record(work_db: Path) -> None:
    with duckdb.connect(str(work_db)) as con:
        con.execute("DELETE FROM raw.last_publish")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda s: os.utime(s.landing_dir / "2011-04/NOR/referrals.csv"), id="touched"),
        pytest.param(lambda s: land(s.landing_dir, {"2011-05/junk.txt": "x"}), id="file added"),
        pytest.param(lambda s: (s.landing_dir / "2011-06").mkdir(), id="folder added"),
        pytest.param(lambda s: os.utime(s.warehouse), id="published file touched"),
        pytest.param(lambda s: s.warehouse.unlink(), id="published file gone"),
        pytest.param(lambda s: clear_record(s.work_db), id="record cleared"),
    ],
)
def test_anything_changed_makes_an_ordinary_run(published, change):
    change(published)
    assert again(published) is None
    if published.warehouse.exists():
        assert query(
            published.warehouse, "SELECT max(publication_id) FROM marts.dim_publication"
        ) == [(2,)]


def test_a_setting_or_another_key_makes_an_ordinary_run(published, monkeypatch):
    monkeypatch.setenv("SCORECARD_COUNTY_NAME", "Kent")
    assert again(published) is None
    monkeypatch.delenv("SCORECARD_COUNTY_NAME")
    monkeypatch.setenv("SCORECARD_PSEUDONYM_KEY", "k" * 40)
    assert again(published) is None


def test_any_write_to_the_raw_layer_clears_the_record(published):
    with warehouse.connect(published.work_db) as con:
        assert con.execute("SELECT count(*) FROM raw.last_publish").fetchone() == (1,)
        warehouse.replace_rows(con, {"raw.settings": "false"}, {})
        assert con.execute("SELECT count(*) FROM raw.last_publish").fetchone() == (0,)


def test_a_working_database_from_before_the_record_makes_an_ordinary_run(published):
    with duckdb.connect(str(published.work_db)) as con:
        con.execute("DROP TABLE raw.last_publish")
    assert again(published) is None
