"""The publication history: what every earlier publication published (signals.md, section 2).

The landing cannot rebuild it, so it is state of its own, kept in the working database's
``history`` schema (``history.publications``, ``history.revisions``), which dbt reads as a
source to number this run's publication and find the figures that changed
(``marts.dim_publication``, ``marts.fct_scorecard_revision``). Two rules keep it true:

- It is written only after a publish succeeded (``record``), so a failed check or a kill
  leaves no publication and no revision rows.
- Before dbt runs, the published file wins (``reconcile``): when it holds a history whose
  last publication differs from the working one's, the working history is replaced by
  it. That restores a lost working database, and a run killed between the file's
  replace and ``record``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from orchestration import warehouse

# history table -> the published mart it copies
HISTORY = {
    "history.publications": ("marts.dim_publication", warehouse.PUBLICATIONS_COLUMNS),
    "history.revisions": ("marts.fct_scorecard_revision", warehouse.REVISIONS_COLUMNS),
}


def reconcile(work_db: Path, published: Path) -> str | None:
    """Take the history from the published file when its last publication is not the
    working history's; say so in a sentence, or return None when the working one stays.

    The published file is attached read-only (its path as a parameter, never SQL text);
    a missing file, or one without a history (published before there was one, or not a
    warehouse at all), leaves the working history as it is.
    """
    with warehouse.connect(work_db) as con:
        working = _last_publication(con, "history.publications")
        if not published.exists():
            return None
        try:
            con.execute("ATTACH ? AS published (READ_ONLY)", [str(published)])
        except duckdb.Error:
            return None
        try:
            held = con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'published' "
                "AND schema_name || '.' || table_name IN ?",
                [[mart for mart, _ in HISTORY.values()]],
            ).fetchone()[0]
            if held < len(HISTORY):
                return None
            latest = _last_publication(con, "published.marts.dim_publication")
            if latest is None or latest == working:
                return None
            _replace(con, "published.")
            rows = con.execute("SELECT count(*) FROM history.revisions").fetchone()[0]
        finally:
            con.execute("DETACH published")
    before = f"publication {working}" if working else "no publication"
    return (
        f"The working database's history ({before}) was replaced by the published file's "
        f"(publications 1-{latest}, {rows:,} revision rows)."
    )


def record(work_db: Path) -> int:
    """After a successful publish: the working history becomes what was just published
    (the working marts it was copied from), in one transaction. Returns its publication."""
    with warehouse.connect(work_db) as con:
        _replace(con, "")
        return _last_publication(con, "history.publications")


def revised_figures(con: duckdb.DuckDBPyConnection, month: date | None) -> int:
    """How many of a month's figures (districts and county) were revised since first
    published, as the published marts say."""
    return con.execute(
        "SELECT count(*) FROM marts.scorecard_monthly WHERE revised AND month_start = ?", [month]
    ).fetchone()[0]


def _replace(con: duckdb.DuckDBPyConnection, database: str) -> None:
    """Replace both history tables by ``database``'s marts, all or nothing."""
    con.execute("BEGIN TRANSACTION")
    try:
        for table, (mart, columns) in HISTORY.items():
            names = ", ".join(columns)
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {database}{mart}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _last_publication(con: duckdb.DuckDBPyConnection, table: str) -> int | None:
    return con.execute(f"SELECT max(publication_id) FROM {table}").fetchone()[0]
