"""dbt as a child process that dies with its parent, found beside the running interpreter.

Dagster starts dbt as a subprocess. If `scorecard run` is killed outright (SIGKILL,
the OOM killer), an orphaned `dbt build` would go on writing the working database
for tens of seconds and the next run would collide with it, so this wrapper asks
Linux to kill it when its parent dies, then becomes dbt. The `scorecard-dbt`
script (pyproject) runs it; DbtCliResource is given that script as its executable.
dbt comes from the interpreter's own environment, never from PATH: a scheduler's
bare PATH must not decide which dbt builds the warehouse, or fail to find one.
The working database to build comes as this wrapper's own first argument
(``--scorecard-work-db=PATH``), which it puts in dbt's environment, not its arguments.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path

from orchestration.settings import dbt_environment

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WORK_DB_FLAG = "--scorecard-work-db="


def work_db_flag(work_db: Path) -> str:
    """The wrapper's argument naming the working database dbt builds."""
    return f"{WORK_DB_FLAG}{work_db}"


def split_work_db(args: list[str]) -> tuple[Path | None, list[str]]:
    """The working database named by a leading ``--scorecard-work-db=``, and dbt's own args."""
    if args and args[0].startswith(WORK_DB_FLAG):
        return Path(args[0].removeprefix(WORK_DB_FLAG)), args[1:]
    return None, args


def executable(name: str) -> Path:
    """A script of the running interpreter's environment (its bin folder, not PATH)."""
    return Path(sys.executable).parent / name


def dbt_executable() -> Path:
    """What DbtCliResource runs as `dbt`: this wrapper's script."""
    return executable("scorecard-dbt")


def main() -> None:
    if sys.platform.startswith("linux"):
        parent = os.getppid()
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
        if parent == 1 or os.getppid() != parent:  # the parent died before it was armed
            sys.exit(1)
    dbt = executable("dbt")
    work_db, args = split_work_db(sys.argv[1:])
    # exec keeps the pid and the parent-death signal (dbt is not set-user-ID)
    os.execve(dbt, [str(dbt), *args], dbt_environment(work_db))


if __name__ == "__main__":
    main()
