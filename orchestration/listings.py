"""What a listing records of a landed entry: enough to tell that it may have changed
without opening it (its name, kind, size, modification and change times, inode).

One rule for both listings: the whole landing's, which decides whether a run has
anything to do (orchestration.rerun), and each district-month's, which decides whether
its files are read again (orchestration.loading.unchanged). Light on purpose: the CLI
takes the first before it imports anything heavy.
"""

from __future__ import annotations

import os
import stat


def entry_line(name: str, found: os.stat_result) -> bytes:
    """One entry of a listing: its name (any bytes, as the file system gave them) and
    what its ``lstat`` says; an entry that changes in any of these changes its line."""
    return name.encode("utf-8", "surrogateescape") + (
        f"\0{stat.S_IFMT(found.st_mode)} {found.st_size} {found.st_mtime_ns} "
        f"{found.st_ctime_ns} {found.st_ino}\n".encode()
    )
