"""Policy: every partition of the working database is pseudonymised with one key.

Pseudonyms from two keys would count one child twice. The key's fingerprint is kept
in raw.settings; a full build that finds another one forgets every partition (and
reloads them), and a run of some partitions alone refuses to start.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from orchestration.pseudonym import Pseudonymiser


class KeyChanged(Exception):
    """The working database's partitions were pseudonymised with another key."""


def stored_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint of the key the working database's partitions were loaded with."""
    # fetchall, not fetchone: DuckDB 2 refuses register() while a result is unfinished
    stored = con.execute("SELECT value FROM raw.settings WHERE name = 'pseudonym_key'").fetchall()
    return stored[0][0] if stored else None


def partitions_to_keep(present: pd.DataFrame, stored: str | None, fingerprint: str) -> pd.DataFrame:
    """The partitions a full build keeps: those still in the landing, or none at all when
    the key changed, so that the build reloads every one of them under the new key."""
    if stored is not None and stored != fingerprint:
        return present.iloc[0:0]
    return present


def require_same_key(con: duckdb.DuckDBPyConnection, pseudonymiser: Pseudonymiser) -> None:
    """Refuse to load partitions under a key other than the one the others were loaded with.

    Only a full build (write_reference, which runs first) forgets every partition on a
    change of key; a run of some partitions alone (the sensor's) would otherwise mix two
    keys' pseudonyms. The first load records its key.
    """
    stored = stored_fingerprint(con)
    if stored is None:
        con.execute(
            "INSERT INTO raw.settings VALUES ('pseudonym_key', ?)", [pseudonymiser.fingerprint()]
        )
    elif stored != pseudonymiser.fingerprint():
        raise KeyChanged(
            "the pseudonym key has changed since the working database was loaded, so every "
            "month must be reloaded with the new key: run `scorecard run` (or the "
            "scorecard_build job over every partition)"
        )
