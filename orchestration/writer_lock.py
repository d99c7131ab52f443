"""One writer of the working database at a time, whoever starts the run.

DuckDB lets one process write a file; a second writer fails after a minute with a lock
error. Every run that writes it (`scorecard run`, and the UI's, the schedule's and the
sensor's runs) first takes an OS advisory lock (flock) on a file beside the working
database and holds it for the run, so a second writer waits its turn instead of failing.
The file says who holds it, so the waiter can say what it waits for; the kernel drops
the lock when its holder exits, so a killed run never leaves it stuck.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

POLL_SECONDS = 0.5
PATIENCE_SECONDS = 180.0  # a run takes the lock within seconds of starting, even on a busy box


@dataclass(frozen=True)
class Holder:
    """Who writes the working database: a process, and the Dagster run it is doing, if any."""

    pid: int | None
    run_id: str | None = None
    job: str | None = None
    since: datetime | None = None

    def describe(self) -> str:
        """'run <id> (<job>, started HH:MM)', or 'process <pid>' for a writer outside Dagster."""
        started = f"started {self.since.astimezone():%H:%M}" if self.since else "started"
        if self.run_id:
            return f"run {self.run_id} ({self.job or 'a job'}, {started})"
        if self.pid:
            return f"process {self.pid} ({started})" if self.since else f"process {self.pid}"
        return "another process"

    def text(self) -> str:
        since = self.since.isoformat() if self.since else None
        return json.dumps({"pid": self.pid, "run_id": self.run_id, "job": self.job, "since": since})

    @classmethod
    def parse(cls, text: str) -> Holder:
        """The holder a lock file names; a file being rewritten names nobody in particular."""
        try:
            fields = json.loads(text)
            since = datetime.fromisoformat(fields["since"]) if fields.get("since") else None
            return cls(fields.get("pid"), fields.get("run_id"), fields.get("job"), since)
        except (ValueError, TypeError, KeyError, AttributeError):
            return cls(None)


def lock_path(work_db: Path) -> Path:
    return work_db.with_name(f"{work_db.name}.lock")


# Locks this process holds, with how many holders share each: a run executed in process
# by `scorecard run` takes the lock its launcher already holds (a second flock on another
# open file of the same process would wait for itself forever).
_held: dict[Path, list] = {}


def current_holder(work_db: Path) -> Holder | None:
    path = lock_path(work_db)
    try:
        return Holder.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


@contextmanager
def writer_lock(
    work_db: Path,
    me: Holder,
    on_wait: Callable[[Holder], None],
    running: Callable[[], Holder | None] = lambda: None,
    on_overdue: Callable[[Holder], None] = lambda holder: None,
    poll: float = POLL_SECONDS,
    patience: float = PATIENCE_SECONDS,
) -> Iterator[None]:
    """Hold the working database's writer lock for the block, waiting for it if need be.

    ``running`` names a writer to let go first although it does not hold the lock (a
    Dagster run of the same instance that has started and not yet taken it). A run takes
    the lock before it writes anything, so one that has not taken it within ``patience``
    seconds is not writing (its process died, or it is still starting and will wait for
    this one): ``on_overdue`` is told and the lock is taken. ``on_wait`` is told each
    writer waited for, once.
    """
    path = lock_path(work_db).absolute()
    if path in _held:
        _held[path][1] += 1
        try:
            yield
        finally:
            _release(path)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o644))
    except OSError:
        # a folder nobody can write: no writer can be at work, and the run will say in a
        # sentence why it cannot write its database (orchestration.failures)
        yield
        return
    announced: set[Holder] = set()
    first_seen: dict[Holder, float] = {}

    def wait_for(holder: Holder) -> None:
        if holder not in announced and holder != Holder(None):  # None: the file is being written
            announced.add(holder)
            on_wait(holder)
        time.sleep(poll)

    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            wait_for(current_holder(work_db) or Holder(None))
            continue
        if (other := running()) is None:
            break
        if time.monotonic() - first_seen.setdefault(other, time.monotonic()) > patience:
            on_overdue(other)
            break
        os.close(fd)  # the run that started first goes first
        wait_for(other)
    os.ftruncate(fd, 0)
    os.pwrite(fd, replace(me, since=now()).text().encode(), 0)
    _held[path] = [fd, 1]
    try:
        yield
    finally:
        _release(path)


def _release(path: Path) -> None:
    entry = _held[path]
    entry[1] -= 1
    if entry[1] == 0:
        del _held[path]
        os.ftruncate(entry[0], 0)  # nobody holds it now; the file itself stays for the next
        os.close(entry[0])


def now() -> datetime:
    return datetime.now(UTC)
