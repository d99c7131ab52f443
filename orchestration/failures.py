"""Why a run published nothing, in one plain sentence that names the cause and the file.

A failed step reaches the CLI as Dagster's wrapper ("Error occurred while executing
op ...") around the real error. The causes an officer can fix without reading a
traceback (a database another process holds, a folder that cannot be written, a
full disk) are recognised in that chain and said in words; DuckDB gives no error
numbers, only its messages, so those are read for the file and the system's reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from dagster._utils.error import SerializableErrorInfo

from orchestration.settings import Settings

# DuckDB: 'Could not set lock on file "PATH": Conflicting lock is held in PROGRAM (PID N)'
_LOCK = re.compile(r'Could not set lock on file "(?P<path>[^"]+)".*?\(PID (?P<pid>\d+)\)')
# DuckDB: 'Cannot open file "PATH": REASON'; Python: "[Errno N] REASON: 'PATH'"
_FILE_REASON = (
    re.compile(r'file "(?P<path>[^"]+)": (?P<reason>[^.\n]+)'),
    re.compile(r"\[Errno \d+\] (?P<reason>[^:\n]+): '(?P<path>[^\n]+)'"),
)
UNWRITABLE = ("Permission denied", "Read-only file system", "Operation not permitted")
FULL = ("No space left on device", "Disk quota exceeded")
TOO_LARGE = "File too large"  # a file size limit (ulimit -f), not a full disk


def _chain(error: SerializableErrorInfo | None) -> Iterator[SerializableErrorInfo]:
    while error is not None:
        yield error
        error = error.cause or error.context


def explain(error: SerializableErrorInfo, settings: Settings) -> str:
    """One sentence for a step's failure: a known cause in words, else the deepest error."""
    errors = list(_chain(error))
    text = "\n".join(item.message for item in errors)
    if lock := _LOCK.search(text):
        return (
            f"{_name(Path(lock['path']), settings)} is in use by another process "
            f"(PID {lock['pid']}); wait for it to finish or stop it."
        )
    for pattern in _FILE_REASON:
        for found in pattern.finditer(text):
            path, reason = Path(found["path"]), found["reason"].strip()
            if reason in UNWRITABLE:
                return (
                    f"{_name(path, settings)} cannot be written ({reason.lower()}); "
                    f"make the folder {path.parent} writable or choose another place."
                )
            if reason in FULL:
                return (
                    f"{_name(path, settings)} cannot be written: the disk is full "
                    f"({reason.lower()}); free some space and run again."
                )
            if reason == TOO_LARGE:
                return (
                    f"{_name(path, settings)} cannot be written: it would be larger than "
                    "this system's file size limit (ulimit -f); raise the limit and run again."
                )
    deepest = errors[-1]
    message = deepest.message.strip().splitlines()[0] if deepest.message.strip() else ""
    if deepest.cls_name == "Failure":  # raised on purpose: already a sentence
        return message.removeprefix("dagster._core.definitions.events.Failure: ")
    return f"{message} (set SCORECARD_LOG_LEVEL=ERROR to see where it happened)"


def _name(path: Path, settings: Settings) -> str:
    if path.name.endswith(".wal"):  # DuckDB's write-ahead log beside a database
        return f"the write-ahead log {path} of {_name(path.with_suffix(''), settings)}"
    if path == settings.work_db:
        return f"the working database {path}"
    if path == settings.warehouse:
        return f"the warehouse {path}"
    if path.parent == settings.warehouse.parent and path.name.startswith(
        f".{settings.warehouse.name}."
    ):
        return f"the warehouse's new copy {path}"
    return str(path)
