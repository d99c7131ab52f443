"""A landed file's bytes, opened without following a link and never past the size limit."""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.reading.limits import check_file_size
from orchestration.settings import Limits


def read_without_following_links(path: Path, limits: Limits) -> bytes:
    """The landing's links are never followed, even one swapped in since the scan.

    A file past the size limit is rejected before it is read into memory; one that
    grows after the check is read only to just past the limit, for parse to reject.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(descriptor, "rb") as handle:
        check_file_size(os.fstat(handle.fileno()).st_size, limits)
        return handle.read(limits.max_file_bytes + 1)
