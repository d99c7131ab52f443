"""Policy: `scorecard run` with nothing to do starts no run.

A run's published warehouse is decided by the landing's files, the project's code, the
pseudonym key, the SCORECARD_* settings and the year (the bank-holiday calendar runs to
the year after this one). After a run publishes, its working database keeps one digest
of all of them (``raw.last_publish``, which any later write to the raw layer clears:
orchestration.warehouse.replace_rows) with the published file's size, modification time
and inode. A later `scorecard run` that finds the same digest and the same published
file has nothing to do: running again would publish the same figures.

The landing is compared by listing (each entry's name, kind, size, modification and
change times, inode), taken before the run starts: a file changed during a run makes
the next run differ. Anything else (a touched file, another run or the UI publishing
in between, a lost working database) makes an ordinary run, which still skips the
district-months whose bytes are unchanged (orchestration.loading.unchanged).

Cheap on purpose: no Dagster, dbt or pandas import, one walk of the landing. The CLI
asks before it imports the pipeline (orchestration.cli); the run records after it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.listings import entry_line
from orchestration.pseudonym import KeyRejected, Pseudonymiser, load_key
from orchestration.settings import Settings, scorecard_environment
from orchestration.sources import project_version
from orchestration.writer_lock import Holder, writer_lock


def landing_listing(root: Path) -> str:
    """Every entry under the landing by path, kind, size, times and inode (links not
    followed): one stat per entry, no file opened."""
    digest = hashlib.sha256()
    for folder, folders, files in os.walk(root):
        folders.sort()
        for name in sorted(folders + files):
            path = os.path.join(folder, name)
            digest.update(entry_line(os.path.relpath(path, root), os.lstat(path)))
    return digest.hexdigest()


def inputs(settings: Settings) -> str:
    """One digest of everything a run's published warehouse depends on."""
    parts = [
        landing_listing(settings.landing_dir),
        project_version(),
        Pseudonymiser(load_key()).fingerprint(),
        repr(sorted(scorecard_environment().items())),
        repr((settings.landing_dir, settings.warehouse, settings.work_db)),
        str(datetime.now(UTC).year),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def published_file(warehouse: Path) -> str | None:
    """The published file as it was left: size, modification time and inode."""
    try:
        found = warehouse.stat()
    except FileNotFoundError:
        return None
    return f"{found.st_size} {found.st_mtime_ns} {found.st_ino}"


def publish_again(settings: Settings, on_wait: Callable[[Holder], None]) -> str | None:
    """When nothing has changed since the last publication, publish its figures again
    and say so in a sentence; otherwise None, for an ordinary run.

    Asked under the writer lock, after any writer at work (what it wrote decides the
    answer). signals.md: publishing the same figures again adds a publication and no
    revision rows, so this adds the next publication without rebuilding anything.
    """
    if not settings.landing_dir.is_dir() or not settings.work_db.exists():
        return None
    with writer_lock(settings.work_db, Holder(os.getpid(), job="scorecard run"), on_wait):
        try:
            digest = inputs(settings)
        except KeyRejected:  # the run says why in a sentence
            return None
        last = unchanged_publication(settings, digest)
        if last is None:
            return None
        publication = _add_publication(settings, last)
        record(settings, digest)
    return (
        f"Nothing has changed since publication {last} (the same landing files, code and "
        f"settings): published its figures again as publication {publication}, without "
        f"rebuilding, to {settings.warehouse}. `scorecard run --reload` reads and rebuilds "
        "everything."
    )


def _add_publication(settings: Settings, last: int) -> int:
    """Publication ``last`` + 1 with the same month range, published now: the row
    dim_publication's dbt model would add, since no figure can differ. Then the usual
    atomic publish and history record (orchestration.warehouse, .publications)."""
    from orchestration import publications, warehouse  # deferred: only when publishing

    with duckdb.connect(str(settings.work_db)) as con:
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM marts.dim_publication WHERE publication_id > ?", [last])
        con.execute(
            "INSERT INTO marts.dim_publication "
            "SELECT publication_id + 1, ?, first_month, last_month "
            "FROM marts.dim_publication WHERE publication_id = ?",
            [datetime.now(UTC).replace(tzinfo=None), last],
        )
        con.execute("COMMIT")
    warehouse.publish(settings.work_db, settings.warehouse)
    return publications.record(settings.work_db)


def unchanged_publication(settings: Settings, digest: str) -> int | None:
    """The publication that ``digest`` and the published file as it is now were left by,
    or None when anything differs (or there is no working database to tell)."""
    now = published_file(settings.warehouse)
    if now is None or not settings.work_db.exists():
        return None
    try:
        with duckdb.connect(str(settings.work_db), read_only=True) as con:
            kept = con.execute(
                "SELECT publication_id FROM raw.last_publish "
                "WHERE inputs = ? AND published_file = ?",
                [digest, now],
            ).fetchall()
    except duckdb.Error:  # a working database from before raw.last_publish, or none
        return None
    return kept[0][0] if kept else None


def record(settings: Settings, digest: str) -> None:
    """Keep what the run that just published was made from (called under the writer lock,
    after the run: a run that fails or is killed leaves the previous record, which no
    longer matches the published file once anything was published)."""
    with duckdb.connect(str(settings.work_db)) as con:
        (publication,) = con.execute(
            "SELECT max(publication_id) FROM history.publications"
        ).fetchone()
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM raw.last_publish")
        con.execute(
            "INSERT INTO raw.last_publish VALUES (?, ?, ?)",
            [digest, published_file(settings.warehouse), publication],
        )
        con.execute("COMMIT")
