"""A run that publishes nothing says why in one plain sentence naming the cause and the
file, not with a traceback: a database in use, a folder that cannot be written, a full disk."""

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dagster._utils.error import serializable_error_info_from_exc_info

from orchestration.failures import explain
from orchestration.settings import Settings
from tests.conftest import land
from tests.orchestration.test_publish import ROOT, TINY, cli_env

OUT = Path("/data/out")
SETTINGS = Settings.resolve("/data/landing", OUT / "scorecard.duckdb")
WORK_DB = OUT / ".scorecard.duckdb.work.duckdb"


def step_failure(problem: BaseException):
    """The error Dagster records for a step that raised ``problem``: its wrapper, then it."""
    try:
        try:
            raise problem
        except BaseException as cause:
            raise RuntimeError(
                'Error occurred while executing op "published_warehouse":'
            ) from cause
    except RuntimeError:
        return serializable_error_info_from_exc_info(sys.exc_info())


def test_a_held_lock_names_the_database_and_the_process():
    problem = duckdb.IOException(
        f'IO Error: Could not set lock on file "{WORK_DB}": Conflicting lock is held in '
        "/usr/bin/python3 (PID 4242). See also https://duckdb.org/docs/current/connect/concurrency"
    )
    assert explain(step_failure(problem), SETTINGS) == (
        f"the working database {WORK_DB} is in use by another process (PID 4242); "
        "wait for it to finish or stop it."
    )


def test_a_full_disk_names_the_file_it_could_not_write():
    copy = OUT / ".scorecard.duckdb.77.publishing"
    problem = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(copy))
    assert explain(step_failure(problem), SETTINGS) == (
        f"the warehouse's new copy {copy} cannot be written: the disk is full "
        "(no space left on device); free some space and run again."
    )


def test_a_full_disk_met_by_duckdb_names_the_write_ahead_log():
    problem = duckdb.TransactionException(
        f'TransactionContext Error: Failed to commit: Could not write file "{WORK_DB}.wal": '
        "No space left on device"
    )
    assert explain(step_failure(problem), SETTINGS) == (
        f"the write-ahead log {WORK_DB}.wal of the working database {WORK_DB} cannot be "
        "written: the disk is full (no space left on device); free some space and run again."
    )


def test_a_file_size_limit_is_not_called_a_full_disk():
    problem = OSError(errno.EFBIG, os.strerror(errno.EFBIG), str(WORK_DB))
    assert explain(step_failure(problem), SETTINGS) == (
        f"the working database {WORK_DB} cannot be written: it would be larger than this "
        "system's file size limit (ulimit -f); raise the limit and run again."
    )


def test_a_folder_without_write_permission_is_named():
    problem = PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(OUT))
    assert explain(step_failure(problem), SETTINGS) == (
        f"{OUT} cannot be written (permission denied); "
        f"make the folder {OUT.parent} writable or choose another place."
    )


def test_any_other_error_is_its_own_first_line_not_dagsters_wrapper():
    problem = ValueError("marts.scorecard_monthly has no rows\nmore detail")
    assert explain(step_failure(problem), SETTINGS) == (
        "ValueError: marts.scorecard_monthly has no rows "
        "(set SCORECARD_LOG_LEVEL=ERROR to see where it happened)"
    )


def test_a_failure_raised_on_purpose_is_said_as_it_is():
    from dagster import Failure

    problem = Failure("Nothing can be published: reference/districts.csv is missing")
    assert explain(step_failure(problem), SETTINGS) == (
        "Nothing can be published: reference/districts.csv is missing"
    )


# --- the real CLI ----------------------------------------------------------------------


READ_ONLY = 'mount --bind -o ro "$1" "$1"'
TINY_DISK = 'mount -t tmpfs -o size=64k tmpfs "$1"'


def scorecard_run(landing: Path, warehouse: Path, mount: str | None = None):
    """`scorecard run`; with ``mount``, in a private mount namespace where that mount
    (of the warehouse's folder) is made first, seen by this process and its children only."""
    command = [sys.executable, "-m", "orchestration.cli", "run",
               "--landing", str(landing), "--warehouse", str(warehouse)]  # fmt: skip
    if mount:
        if not shutil.which("unshare"):
            pytest.skip("needs unshare (util-linux) for a private mount")
        script = f'{mount} || exit 77; shift; exec "$@"'
        command = ["unshare", "--mount", "sh", "-c", script, "sh", str(warehouse.parent), *command]
    result = subprocess.run(
        command, cwd=ROOT, env=cli_env(), capture_output=True, text=True, timeout=300
    )
    if mount and result.returncode == 77:
        pytest.skip(f"a private mount is not permitted here: {result.stderr.strip()}")
    return result


def assert_one_plain_sentence(result, sentence: str):
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"Nothing was published: {sentence}"
    assert "Traceback" not in result.stdout + result.stderr
    assert "Stack Trace" not in result.stdout + result.stderr


@pytest.fixture
def tiny_landing(tmp_path: Path) -> Path:
    return land(tmp_path / "landing", TINY)


def test_a_working_database_in_use_by_another_process_is_named_with_its_pid(
    tmp_path: Path, tiny_landing: Path
):
    warehouse = tmp_path / "out" / "scorecard.duckdb"
    work_db = warehouse.with_name(".scorecard.duckdb.work.duckdb")
    work_db.parent.mkdir()
    with duckdb.connect(str(work_db)):  # another process holds it: this test's
        result = scorecard_run(tiny_landing, warehouse)
    assert_one_plain_sentence(
        result,
        f"the working database {work_db} is in use by another process (PID {os.getpid()}); "
        "wait for it to finish or stop it.",
    )


def test_a_read_only_warehouse_folder_is_named(tmp_path: Path, tiny_landing: Path):
    warehouse = tmp_path / "out" / "scorecard.duckdb"
    warehouse.parent.mkdir()
    result = scorecard_run(tiny_landing, warehouse, mount=READ_ONLY)
    assert_one_plain_sentence(
        result,
        f"the working database {warehouse.parent / '.scorecard.duckdb.work.duckdb'} cannot be "
        f"written (read-only file system); make the folder {warehouse.parent} writable or "
        "choose another place.",
    )


def test_a_full_disk_is_named(tmp_path: Path, tiny_landing: Path):
    """A 64 KiB file system: the working database's first tables do not fit (DuckDB
    fails writing its write-ahead log)."""
    warehouse = tmp_path / "out" / "scorecard.duckdb"
    warehouse.parent.mkdir()
    work_db = warehouse.with_name(".scorecard.duckdb.work.duckdb")
    result = scorecard_run(tiny_landing, warehouse, mount=TINY_DISK)
    assert_one_plain_sentence(
        result,
        f"the write-ahead log {work_db}.wal of the working database {work_db} cannot be "
        "written: the disk is full (no space left on device); free some space and run again.",
    )


def test_a_pack_that_cannot_be_written_after_the_publish_still_exits_0(
    tmp_path: Path, tiny_landing: Path
):
    """The committee pack comes after the publish: when its folder cannot be made (here a
    file stands where it should go) the warehouse is published all the same, so the run
    exits 0 and says so, instead of "Nothing was published"."""
    warehouse = tmp_path / "out" / "scorecard.duckdb"
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the reports folder should be")
    command = [sys.executable, "-m", "orchestration.cli", "run",
               "--landing", str(tiny_landing), "--warehouse", str(warehouse)]  # fmt: skip
    env = cli_env() | {"SCORECARD_REPORTS_DIR": str(blocker)}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    [said] = [line for line in result.stdout.splitlines() if line.startswith("Published ")]
    assert said.startswith(f"Published {warehouse}, but the committee pack was not written: ")
    assert "Nothing was published" not in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.dim_publication").fetchone() == (1,)
    assert blocker.read_text() == "a file where the reports folder should be"
