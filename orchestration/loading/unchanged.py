"""Policy: a district-month is read again only when its folder may have changed.

What a partition loads is decided by the entries of its folder(s) and by the code and
settings that judge them (the ``loader``: contracts, reading code, limits, pseudonym
key). After a load, raw.partition_fingerprints keeps two digests of those entries:

- the listing: each entry's name, kind, size, modification and change times and inode,
  which costs one ``stat`` per file;
- the contents: each entry's name and kind and each regular file's SHA-256.

A later run skips a partition whose listing is the same, or, failing that, whose
contents are (a file touched, or a landing copied elsewhere, is read but not loaded),
as long as the loader is the same. Skipping changes nothing: reloading the same bytes
would write the same rows and audit rows, first ``loaded_at`` kept
(warehouse.replace_rows).

The listing is taken before the contents are hashed and the files loaded, so a file
that changes during the run has a newer listing than the one kept, and the next run
reads it again.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.dates import month_start
from orchestration.landing import Landing
from orchestration.listings import entry_line
from orchestration.pseudonym import Pseudonymiser
from orchestration.settings import Limits
from orchestration.sources import RAW_SOURCES, source_version
from orchestration.warehouse import FINGERPRINT_COLUMNS, partition_keys


@dataclass(frozen=True)
class Fingerprint:
    """What a partition was last loaded from (raw.partition_fingerprints)."""

    listing: str
    contents: str


def _entries(landing: Landing, key: tuple[str, str]):
    """(folder's path in the landing, entry) for every entry of the partition's folder(s)."""
    for folder in sorted(landing.district_folders.get(key, [])):
        relative = folder.relative_to(landing.root).as_posix()
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda entry: entry.name):
                yield relative, entry


def listing(landing: Landing, key: tuple[str, str]) -> str:
    """The partition's entries by name, kind, size, times and inode (orchestration.listings):
    one stat each."""
    digest = hashlib.sha256()
    for relative, entry in _entries(landing, key):
        digest.update(entry_line(f"{relative}/{entry.name}", entry.stat(follow_symlinks=False)))
    return digest.hexdigest()


def contents(landing: Landing, key: tuple[str, str]) -> str | None:
    """The partition's entries by name and kind, and each regular file's bytes; None if a
    file cannot be read (it is then loaded every time, and rejected with its reason)."""
    digest = hashlib.sha256()
    for relative, entry in _entries(landing, key):
        kind = stat.S_IFMT(entry.stat(follow_symlinks=False).st_mode)
        name = f"{relative}/{entry.name}".encode("utf-8", "surrogateescape")
        digest.update(name + f"\0{kind}\n".encode())
        if kind == stat.S_IFREG:
            try:
                digest.update(_file_digest(Path(entry.path)))
            except OSError:
                return None
    return digest.hexdigest()


def _file_digest(path: Path) -> bytes:
    """A file's SHA-256, opened without following a link swapped in since the scan."""
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as handle:
        return hashlib.file_digest(handle, "sha256").digest()


def loader_version(pseudonymiser: Pseudonymiser) -> str:
    """What decides a partition's rows besides its files: the code (RAW_SOURCES), the
    file limits and the pseudonym key. A change to any of them reloads every partition."""
    loader = f"{source_version(RAW_SOURCES)} {Limits.resolve()} {pseudonymiser.fingerprint()}"
    return hashlib.sha256(loader.encode()).hexdigest()


@dataclass
class Plan:
    """A month's partitions split into those to load and those unchanged since loaded."""

    load: list[tuple[str, str]]
    unchanged: list[tuple[str, str]]
    fingerprints: pd.DataFrame  # FINGERPRINT_COLUMNS of every partition read this run

    def of(self, partitions: list[tuple[str, str]]) -> pd.DataFrame:
        """The fingerprints of ``partitions`` among those read this run."""
        keys = {(month_start(month), district) for month, district in partitions}
        pairs = zip(
            self.fingerprints["reporting_month"], self.fingerprints["district_code"], strict=True
        )
        return self.fingerprints[[pair in keys for pair in pairs]]


def plan(
    con: duckdb.DuckDBPyConnection,
    landing: Landing,
    partitions: list[tuple[str, str]],
    loader: str,
    reload: bool = False,
) -> Plan:
    """Which of ``partitions`` to load: every one when ``reload``, else those whose
    folder's listing and contents both differ from the last load by this ``loader``.

    A partition with no folder is always "loaded" (its rows cleared), which costs nothing.
    """
    stored = {} if reload else _stored(con, partitions, loader)
    to_load, unchanged, rows = [], [], []
    for key in partitions:
        if key not in landing.district_folders:
            to_load.append(key)
            continue
        listed, before = listing(landing, key), stored.get(key)
        if before is not None and before.listing == listed:
            unchanged.append(key)
            continue
        hashed = contents(landing, key)  # after the listing: a later change lists anew
        if before is not None and hashed is not None and before.contents == hashed:
            unchanged.append(key)
        else:
            to_load.append(key)
        if hashed is not None:
            rows.append((month_start(key[0]), key[1], listed, hashed, loader))
    return Plan(to_load, unchanged, pd.DataFrame(rows, columns=list(FINGERPRINT_COLUMNS)))


def _stored(
    con: duckdb.DuckDBPyConnection, partitions: list[tuple[str, str]], loader: str
) -> dict[tuple[str, str], Fingerprint]:
    keys = partition_keys(partitions)
    con.register("planned_partitions", keys)
    try:
        rows = con.execute(
            "SELECT strftime(reporting_month, '%Y-%m'), district_code, listing, contents "
            "FROM raw.partition_fingerprints JOIN planned_partitions "
            "USING (reporting_month, district_code) WHERE loader = ?",
            [loader],
        ).fetchall()
    finally:
        con.unregister("planned_partitions")
    return {(month, district): Fingerprint(lst, cnt) for month, district, lst, cnt in rows}
