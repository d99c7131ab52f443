"""Keyed pseudonyms for child_id, applied the moment a file is read.

child_id is personal data: only HMAC-SHA256(key, child_id) reaches the warehouse,
the audit, logs and Dagster metadata. The same key gives the same pseudonym in
every month and district, so a child can still be counted once. The key comes from
SCORECARD_PSEUDONYM_KEY or, failing that, a key file created on first use outside
the repository and the warehouse (SCORECARD_PSEUDONYM_KEY_FILE, default
~/.config/scorecard/pseudonym.key), readable by its owner only. A key shorter than
32 bytes is refused: child ids are 7-digit numbers, so a short or empty key would let
anyone reverse every pseudonym by hashing all ten million of them.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from typing import TYPE_CHECKING

from orchestration.settings import pseudonym_key_file, pseudonym_key_from_environment

if TYPE_CHECKING:  # pandas is not imported for the key alone (orchestration.rerun)
    import pandas as pd

PSEUDONYM_LENGTH = 32  # hex characters: 128 bits
MIN_KEY_BYTES = 32


class KeyRejected(Exception):
    """The configured pseudonym key is too short to keep child ids secret."""


def load_key() -> bytes:
    """The key from SCORECARD_PSEUDONYM_KEY, else the key file (created if absent)."""
    if key := pseudonym_key_from_environment():
        return _long_enough(key.encode("utf-8"), "SCORECARD_PSEUDONYM_KEY")
    path = pseudonym_key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return _long_enough(path.read_text().strip().encode("utf-8"), str(path))


def _long_enough(key: bytes, source: str) -> bytes:
    """Surrounding blanks do not count: a key of spaces is no secret."""
    length = len(key.strip())
    if length < MIN_KEY_BYTES:
        raise KeyRejected(
            f"the pseudonym key in {source} is {length} bytes long and must be at least "
            f"{MIN_KEY_BYTES} (for example 64 hex characters from "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`)"
        )
    return key


class Pseudonymiser:
    def __init__(self, key: bytes):
        self._key = key

    def one(self, child_id: str) -> str:
        digest = hmac.new(self._key, child_id.encode("utf-8"), hashlib.sha256)
        return digest.hexdigest()[:PSEUDONYM_LENGTH]

    def column(self, values: pd.Series) -> pd.Series:
        """Pseudonymise a column; blanks stay blank. Hashes each distinct id once."""
        distinct = values.dropna().unique()
        pseudonyms = values.map({value: self.one(value) for value in distinct})
        return pseudonyms.astype(object).where(values.notna(), None)

    def fingerprint(self) -> str:
        """Identifies the key without revealing it, so a change of key can be noticed."""
        return self.one("\x00scorecard-key-fingerprint")
