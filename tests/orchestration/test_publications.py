"""Publications and revisions (signals.md, section 2): every successful publish is numbered,
a run that publishes nothing leaves no trace, and the history survives the loss of the
working database because the published file carries it and wins when they differ."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from orchestration import publications, warehouse
from tests.conftest import build, land, query
from tests.orchestration.test_publish import TINY, scorecard_run

INDICATORS = 19
PUBLICATIONS = (
    "SELECT publication_id, strftime(first_month, '%Y-%m'), strftime(last_month, '%Y-%m') "
    "FROM {table} ORDER BY publication_id"
)
REVISIONS_PER_PUBLICATION = (
    "SELECT publication_id, count(*) FROM {table} GROUP BY ALL ORDER BY publication_id"
)
HISTORY_PUBLICATIONS = "SELECT publication_id FROM history.publications ORDER BY ALL"


# --- reconcile: the published file's history wins when the last publications differ ----


def published_file(path: Path, publication_ids: list[int]) -> Path:
    """A published file holding only a history: ``publication_ids``, each with one
    revision row of NOR's REF_COUNT for 2011-04 whose value is the publication's number."""
    with duckdb.connect(str(path)) as con:
        con.execute(
            "CREATE SCHEMA marts;"
            "CREATE TABLE marts.dim_publication (publication_id BIGINT, "
            "published_at TIMESTAMP, first_month DATE, last_month DATE);"
            "CREATE TABLE marts.fct_scorecard_revision (month_start DATE, district_code "
            "VARCHAR, indicator_code VARCHAR, publication_id BIGINT, value DOUBLE, "
            "data_status VARCHAR, rag VARCHAR);"
        )
        for number in publication_ids:
            con.execute(
                "INSERT INTO marts.dim_publication "
                "VALUES (?, '2011-05-09 07:00', '2011-04-01', '2011-04-01')",
                [number],
            )
            con.execute(
                "INSERT INTO marts.fct_scorecard_revision "
                "VALUES ('2011-04-01', 'NOR', 'REF_COUNT', ?, ?, 'ok', NULL)",
                [number, number],
            )
    return path


def working_history(work_db: Path, publication_ids: list[int]) -> Path:
    """A working database whose history is as ``published_file`` writes it."""
    source = published_file(work_db.with_name("source.duckdb"), publication_ids)
    with warehouse.connect(work_db) as con:
        con.execute("ATTACH ? AS source (READ_ONLY)", [str(source)])
        con.execute("INSERT INTO history.publications SELECT * FROM source.marts.dim_publication")
        con.execute(
            "INSERT INTO history.revisions SELECT * FROM source.marts.fct_scorecard_revision"
        )
        con.execute("DETACH source")
    source.unlink()
    return work_db


def history(work_db: Path) -> list[tuple]:
    return query(
        work_db,
        "SELECT p.publication_id, r.value FROM history.publications AS p "
        "JOIN history.revisions AS r USING (publication_id) ORDER BY ALL",
    )


def test_a_lost_working_history_is_restored_from_the_published_file(tmp_path):
    published = published_file(tmp_path / "scorecard.duckdb", [1, 2])
    work_db = tmp_path / "work.duckdb"  # lost: not there at all
    assert publications.reconcile(work_db, published) == (
        "The working database's history (no publication) was replaced by the published "
        "file's (publications 1-2, 2 revision rows)."
    )
    assert history(work_db) == [(1, 1.0), (2, 2.0)]


def test_a_publish_killed_before_its_history_was_written_is_taken_from_the_file(tmp_path):
    """The file holds publication 3; the run was killed before the history took it."""
    published = published_file(tmp_path / "scorecard.duckdb", [1, 2, 3])
    work_db = working_history(tmp_path / "work.duckdb", [1, 2])
    assert publications.reconcile(work_db, published) == (
        "The working database's history (publication 2) was replaced by the published "
        "file's (publications 1-3, 3 revision rows)."
    )
    assert history(work_db) == [(1, 1.0), (2, 2.0), (3, 3.0)]


def test_a_working_history_at_the_published_publication_is_kept(tmp_path):
    published = published_file(tmp_path / "scorecard.duckdb", [1, 2])
    work_db = working_history(tmp_path / "work.duckdb", [1, 2])
    with duckdb.connect(str(work_db)) as con:  # so that a replace would show
        con.execute("UPDATE history.revisions SET value = 20 WHERE publication_id = 2")
    assert publications.reconcile(work_db, published) is None
    assert history(work_db) == [(1, 1.0), (2, 20.0)]


@pytest.mark.parametrize("published", ["missing", "without_history", "not_a_database"])
def test_without_a_published_history_the_working_one_stays(tmp_path, published):
    path = tmp_path / "scorecard.duckdb"
    if published == "without_history":  # published before there were publications
        with duckdb.connect(str(path)) as con:
            con.execute("CREATE SCHEMA marts; CREATE TABLE marts.dim_month (month_start DATE)")
    elif published == "not_a_database":
        path.write_text("not a database")
    work_db = working_history(tmp_path / "work.duckdb", [1])
    assert publications.reconcile(work_db, path) is None
    assert history(work_db) == [(1, 1.0)]


# --- a run that publishes nothing leaves no trace ---------------------------------------


def test_a_run_stopped_by_a_blocking_check_takes_no_publication_and_no_revision_rows(tmp_path):
    """TINY: 1 month (2011-04) x (NOR, SOU, county) x 19 indicators = 57 figures. Without
    SOU the scorecard has 1 figure where the published one has 3: not_shrunk blocks it.
    The next run that publishes is number 2, and adds no revision rows (same figures)."""
    landing = land(tmp_path / "landing", TINY)
    out = tmp_path / "out" / "scorecard.duckdb"
    work_db = out.with_name(f".{out.name}.work.duckdb")
    assert build(landing, out).published
    assert query(out, REVISIONS_PER_PUBLICATION.format(table="marts.fct_scorecard_revision")) == [
        (1, 3 * INDICATORS)
    ]

    shutil.move(landing / "2011-04" / "SOU", tmp_path / "SOU")
    assert not build(landing, out).published
    assert query(work_db, HISTORY_PUBLICATIONS) == [(1,)]
    assert query(work_db, "SELECT count(*) FROM history.revisions") == [(3 * INDICATORS,)]
    assert query(out, "SELECT publication_id FROM marts.dim_publication") == [(1,)]

    shutil.move(tmp_path / "SOU", landing / "2011-04" / "SOU")
    assert build(landing, out).published
    assert query(out, PUBLICATIONS.format(table="marts.dim_publication")) == [
        (1, "2011-04", "2011-04"),
        (2, "2011-04", "2011-04"),
    ]
    assert query(out, REVISIONS_PER_PUBLICATION.format(table="marts.fct_scorecard_revision")) == [
        (1, 3 * INDICATORS)
    ]
    assert query(work_db, HISTORY_PUBLICATIONS) == [(1,), (2,)]


# --- end to end: four publications, a restatement, a lost working database --------------

REFERRALS = "referral_id,child_id,referral_date\n"
POPULATION = "district_code,year,population_0_17\nNOR,2011,1000\nSOU,2011,2000\n"
FIRST_LANDING = {
    "reference/districts.csv": "district_code,district_name\nNOR,North\nSOU,South\n",
    "reference/population.csv": POPULATION,
    "2011-04/NOR/referrals.csv": REFERRALS + "R1,CHILD-A,2011-04-05\n",
    "2011-04/SOU/referrals.csv": REFERRALS + "R9,CHILD-B,2011-04-06\n",
    "2011-05/NOR/referrals.csv": REFERRALS + "R3,CHILD-D,2011-05-05\n",
    # SOU sends nothing for May (yet)
}
LATER_FOLDERS = {
    # SOU's May arrives late; NOR's June file brings R4, a May referral NOR had missed
    "2011-05/SOU/referrals.csv": REFERRALS + "R8,CHILD-E,2011-05-06\n",
    "2011-06/NOR/referrals.csv": REFERRALS + "R5,CHILD-F,2011-06-01\nR4,CHILD-G,2011-05-20\n",
    "2011-06/SOU/referrals.csv": REFERRALS + "R10,CHILD-H,2011-06-02\n",
}
ROWS_OF_A_MONTH = 3 * INDICATORS  # NOR, SOU and the county
REVISED = (
    "SELECT strftime(month_start, '%Y-%m'), district_code, indicator_code, value, data_status "
    "FROM marts.fct_scorecard_revision WHERE publication_id = ? AND month_start < '2011-06-01' "
    "ORDER BY ALL"
)
FIRST_PUBLISHED = (
    "SELECT strftime(month_start, '%Y-%m'), district_code, value, first_published_value, "
    "revised FROM marts.scorecard_monthly WHERE indicator_code = 'REF_COUNT' ORDER BY ALL"
)


def publish(landing: Path, out: Path) -> str:
    result = scorecard_run(landing, out)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_four_publications_keep_each_figure_as_it_stood_across_a_lost_working_database(
    tmp_path,
):
    landing = land(tmp_path / "landing", FIRST_LANDING)
    out = tmp_path / "out" / "scorecard.duckdb"
    work_db = out.with_name(f".{out.name}.work.duckdb")
    started = datetime.now(UTC).replace(tzinfo=None)

    # Publication 1: April and May, every figure new (2 months x 57 rows).
    publish(landing, out)
    assert query(out, PUBLICATIONS.format(table="marts.dim_publication")) == [
        (1, "2011-04", "2011-05")
    ]
    assert query(out, REVISIONS_PER_PUBLICATION.format(table="marts.fct_scorecard_revision")) == [
        (1, 2 * ROWS_OF_A_MONTH)
    ]
    assert query(out, FIRST_PUBLISHED) == [
        ("2011-04", "ALL", 2.0, 2.0, False),
        ("2011-04", "NOR", 1.0, 1.0, False),
        ("2011-04", "SOU", 1.0, 1.0, False),
        ("2011-05", "ALL", None, None, False),  # incomplete: SOU has not sent May
        ("2011-05", "NOR", 1.0, 1.0, False),
        ("2011-05", "SOU", None, None, False),  # not_submitted
    ]

    # Publication 2: June is new (57 rows); May is restated. NOR's REF_COUNT 1 -> 2 (R4);
    # SOU's REF_COUNT null, not_submitted -> 1, ok, and its REF_RATE_12M not_submitted ->
    # insufficient_history (May now has referrals, the 11 months before do not); the
    # county's REF_COUNT null, incomplete -> 2 + 1 = 3, ok. The county's REF_RATE_12M
    # stays incomplete (its districts lack history): no row. April is unchanged.
    land(landing, LATER_FOLDERS)
    publish(landing, out)
    assert query(out, PUBLICATIONS.format(table="marts.dim_publication")) == [
        (1, "2011-04", "2011-05"),
        (2, "2011-04", "2011-06"),
    ]
    assert query(out, REVISED, [2]) == [
        ("2011-05", "ALL", "REF_COUNT", 3.0, "ok"),
        ("2011-05", "NOR", "REF_COUNT", 2.0, "ok"),
        ("2011-05", "SOU", "REF_COUNT", 1.0, "ok"),
        ("2011-05", "SOU", "REF_RATE_12M", None, "insufficient_history"),
    ]
    assert query(out, REVISIONS_PER_PUBLICATION.format(table="marts.fct_scorecard_revision")) == [
        (1, 2 * ROWS_OF_A_MONTH),
        (2, 4 + ROWS_OF_A_MONTH),
    ]
    first_published = [
        ("2011-04", "ALL", 2.0, 2.0, False),
        ("2011-04", "NOR", 1.0, 1.0, False),
        ("2011-04", "SOU", 1.0, 1.0, False),
        ("2011-05", "ALL", 3.0, None, True),
        ("2011-05", "NOR", 2.0, 1.0, True),
        ("2011-05", "SOU", 1.0, None, True),
        ("2011-06", "ALL", 2.0, 2.0, False),
        ("2011-06", "NOR", 1.0, 1.0, False),  # R5; R4 counts in May
        ("2011-06", "SOU", 1.0, 1.0, False),
    ]
    assert query(out, FIRST_PUBLISHED) == first_published
    with duckdb.connect(str(out), read_only=True) as con:  # as the publish metadata counts
        assert publications.revised_figures(con, date(2011, 5, 1)) == 4
        assert publications.revised_figures(con, date(2011, 6, 1)) == 0

    # Publication 3: the same landing again adds a publication and no revision rows,
    # published again without a rebuild (orchestration.rerun).
    assert "published its figures again as publication 3, without rebuilding" in publish(
        landing, out
    )
    assert query(out, PUBLICATIONS.format(table="marts.dim_publication"))[2:] == [
        (3, "2011-04", "2011-06")
    ]
    assert query(out, REVISIONS_PER_PUBLICATION.format(table="marts.fct_scorecard_revision")) == [
        (1, 2 * ROWS_OF_A_MONTH),
        (2, 4 + ROWS_OF_A_MONTH),
    ]

    # Publication 4: the working database is lost; the history comes back from the
    # published file, so this is number 4 and adds no revision rows either.
    history_before = query(out, "SELECT * FROM marts.fct_scorecard_revision ORDER BY ALL")
    for path in work_db.parent.glob(f"{work_db.name}*"):
        if path.is_file() and not path.name.endswith(".lock"):
            path.unlink()
    assert not work_db.exists()
    publish(landing, out)
    assert query(out, PUBLICATIONS.format(table="marts.dim_publication")) == [
        (1, "2011-04", "2011-05"),
        (2, "2011-04", "2011-06"),
        (3, "2011-04", "2011-06"),
        (4, "2011-04", "2011-06"),
    ]
    assert query(out, "SELECT * FROM marts.fct_scorecard_revision ORDER BY ALL") == history_before
    assert query(out, FIRST_PUBLISHED) == first_published
    assert query(work_db, HISTORY_PUBLICATIONS) == [(1,), (2,), (3,), (4,)]
    # published_at: UTC, in order, within the test's time
    times = [
        row[0]
        for row in query(
            out, "SELECT published_at FROM marts.dim_publication ORDER BY publication_id"
        )
    ]
    assert times == sorted(times)
    assert started <= times[0] and times[-1] <= datetime.now(UTC).replace(tzinfo=None)
