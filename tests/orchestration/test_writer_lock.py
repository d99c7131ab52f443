"""One writer of the working database at a time: a run waits for the writer at work and
says which run (or process) it waits for, instead of failing on DuckDB's lock."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dagster import (
    DagsterEventType,
    DagsterInstance,
    DagsterRunStatus,
    execute_job,
    job,
    op,
    reconstructable,
)
from dagster._core.storage.dagster_run import DagsterRun

from orchestration.build import _writer_running
from orchestration.executor import writer_locked_executor
from orchestration.jobs import WAREHOUSE_TAGS
from orchestration.resources import ScorecardResource
from orchestration.writer_lock import Holder, lock_path, writer_lock
from tests.orchestration.test_publish import ROOT

HOLD = """
import os, sys, time
from pathlib import Path
from orchestration.writer_lock import Holder, writer_lock
work_db, release, run_id = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] or None
me = Holder(os.getpid(), run_id, "scorecard_build" if run_id else None)
with writer_lock(work_db, me, on_wait=print):
    print("held", flush=True)
    while not release.exists():
        time.sleep(0.05)
"""


@pytest.fixture
def holder(tmp_path: Path):
    """``holder(run_id)``: another process holding the working database's writer lock until
    ``release`` is created; returns (process, release)."""
    started = []

    def start(run_id: str | None) -> tuple[subprocess.Popen, Path]:
        release = tmp_path / "release"
        process = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(tmp_path / "work.duckdb"), str(release), run_id or ""],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        started.append((process, release))
        assert process.stdout.readline() == "held\n"
        return process, release

    yield start
    for process, release in started:
        release.touch()
        process.wait(timeout=30)


def release_once_waiting(instance: DagsterInstance, release: Path) -> list[float]:
    """Create ``release`` once a run has logged that it waits (or after a minute, so a run
    that never waits fails the test); the list receives the time it did."""
    released: list[float] = []

    def later():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(
            entry.user_message.startswith("Waiting")
            for run in instance.get_runs()
            for entry in instance.all_logs(run.run_id)
        ):
            time.sleep(0.1)
        released.append(time.time())
        release.touch()

    threading.Thread(target=later, daemon=True).start()
    return released


def hhmm(moment: datetime) -> str:
    return f"{moment.astimezone():%H:%M}"


def test_a_writer_outside_dagster_is_named_by_its_process_id():
    since = datetime(2026, 12, 2, 5, 30, tzinfo=UTC)
    assert Holder(4242, since=since).describe() == f"process 4242 (started {hhmm(since)})"
    assert Holder(7, "r-1", "scorecard_build", since).describe() == (
        f"run r-1 (scorecard_build, started {hhmm(since)})"
    )


@op
def write(scorecard: ScorecardResource) -> float:
    return time.time()


@job(executor_def=writer_locked_executor, resource_defs={"scorecard": ScorecardResource()})
def writes():
    write()


def test_a_dagster_run_waits_for_the_writer_at_work_and_logs_which_run(tmp_path, holder):
    """A run launched from the UI or the sensor, while `scorecard run` writes: it waits
    before its first step, logs what for, then runs: nothing fails."""
    work_db = tmp_path / "work.duckdb"
    _, release = holder("cli-run-1")
    (home := tmp_path / "dagster_home").mkdir()
    paths = {"landing_dir": str(tmp_path), "work_db": str(work_db)}
    run_config = {"resources": {"scorecard": {"config": paths}}}
    with DagsterInstance.local_temp(str(home)) as instance:
        released = release_once_waiting(instance, release)
        with execute_job(reconstructable(writes), instance, run_config=run_config) as result:
            assert result.success
            written = result.output_for_node("write")
            messages = [entry.user_message for entry in instance.all_logs(result.run_id)]
    assert written > released[0]  # the step ran only once the other writer had finished
    waiting = [message for message in messages if message.startswith("Waiting")]
    assert len(waiting) == 1, "\n".join(messages)
    assert waiting[0].startswith("Waiting for run cli-run-1 (scorecard_build, started ")
    assert waiting[0].endswith(f") to finish writing {work_db} ...")


def test_every_job_of_the_definitions_runs_with_the_writer_lock():
    from orchestration.definitions import defs

    for name in ("scorecard_build", "district_month_update", "reference_update"):
        assert defs.resolve_job_def(name).executor_def is writer_locked_executor


def test_the_cli_waits_for_a_started_warehouse_run_of_its_instance(tmp_path):
    """A UI run that has started but not yet taken the lock still goes first."""
    work_db = tmp_path / "work.duckdb"
    created = datetime.now(UTC)
    with DagsterInstance.ephemeral() as instance:
        run = instance.add_run(
            DagsterRun(
                job_name="scorecard_build",
                run_id="ui-run-1",
                status=DagsterRunStatus.STARTED,
                tags=WAREHOUSE_TAGS,
            )
        )
        waited: list[Holder] = []

        def on_wait(holder: Holder) -> None:
            waited.append(holder)
            instance.report_run_canceled(run)  # the UI run ends while the CLI waits

        running = _writer_running(instance)
        with writer_lock(work_db, Holder(os.getpid(), "cli-run"), on_wait, running=running):
            assert instance.get_run_by_id("ui-run-1").status == DagsterRunStatus.CANCELED
    assert [(holder.run_id, holder.job) for holder in waited] == [("ui-run-1", "scorecard_build")]
    assert abs(waited[0].since - created).total_seconds() < 60


def test_the_lock_held_by_a_launcher_is_taken_again_by_its_in_process_run(tmp_path):
    """A holder that takes the lock again in the same process (a job executed in process
    by its launcher) must not wait for itself; the lock is free again once both let go."""
    work_db = tmp_path / "work.duckdb"
    never = []
    with writer_lock(work_db, Holder(os.getpid(), "cli-run", "scorecard_build"), never.append):
        with writer_lock(work_db, Holder(os.getpid(), "cli-run", "scorecard_build"), never.append):
            pass
        assert '"run_id": "cli-run"' in lock_path(work_db).read_text()
    assert never == []
    assert lock_path(work_db).read_text() == ""
    take = "import fcntl, sys; fcntl.flock(open(sys.argv[1]), fcntl.LOCK_EX | fcntl.LOCK_NB)"
    checker = subprocess.run(
        [sys.executable, "-c", take, str(lock_path(work_db))], capture_output=True, text=True
    )
    assert checker.returncode == 0, checker.stderr


def test_a_started_run_that_never_takes_the_lock_is_not_waited_for_forever(tmp_path):
    """A run marked started whose process died: the CLI says so and goes ahead."""
    with DagsterInstance.ephemeral() as instance:
        instance.add_run(
            DagsterRun(
                job_name="scorecard_build",
                run_id="dead-run",
                status=DagsterRunStatus.STARTED,
                tags=WAREHOUSE_TAGS,
            )
        )
        waited, overdue = [], []
        with writer_lock(
            tmp_path / "work.duckdb",
            Holder(os.getpid(), "cli-run"),
            waited.append,
            running=_writer_running(instance),
            on_overdue=overdue.append,
            poll=0.05,
            patience=0.3,
        ):
            assert '"run_id": "cli-run"' in lock_path(tmp_path / "work.duckdb").read_text()
    assert [holder.run_id for holder in waited] == ["dead-run"]
    assert overdue == waited


def reference_update_job():
    """The definitions' reference_update job, rebuilt by name in the run's process."""
    from orchestration.definitions import defs

    return defs.resolve_job_def("reference_update")


@pytest.mark.parametrize("bad", ["landing_dir", "work_db"])
def test_a_run_with_a_bad_path_in_its_config_fails_before_any_step_and_says_why(tmp_path, bad):
    """A missing landing folder, or a working database whose folder cannot be made (a file is
    in the way), is no fault of the data: the run fails with one sentence before its first
    step, and no asset or check turns red."""
    (landing := tmp_path / "landing").mkdir()
    (a_file := tmp_path / "a_file").write_text("")
    paths = {"landing_dir": str(landing), "work_db": str(tmp_path / "work.duckdb")}
    sentence = {
        "landing_dir": f"The landing folder {tmp_path / 'no_such_landing'} does not exist.",
        "work_db": f"The folder {a_file} for the working database cannot be made: "
        "a file of that name is in the way.",
    }[bad]
    paths[bad] = str(a_file / "work.duckdb" if bad == "work_db" else tmp_path / "no_such_landing")
    run_config = {"resources": {"scorecard": {"config": paths}}}
    (home := tmp_path / "dagster_home").mkdir()
    with DagsterInstance.local_temp(str(home)) as instance:
        job = reconstructable(reference_update_job)
        with execute_job(job, instance, run_config=run_config) as result:
            assert not result.success
            events = instance.all_logs(result.run_id)
    failures = [e for e in events if e.dagster_event_type == DagsterEventType.RUN_FAILURE]
    assert len(failures) == 1
    error = failures[0].dagster_event.event_specific_data.error
    assert error.message.strip().endswith(sentence)
    assert [e.user_message for e in events if e.level == logging.ERROR][0] == sentence
    kinds = {e.dagster_event.event_type_value for e in events if e.dagster_event}
    for kind in ("STEP_START", "STEP_FAILURE", "ASSET_FAILED_TO_MATERIALIZE"):
        assert kind not in kinds, kinds
    assert "ASSET_CHECK_EVALUATION" not in kinds, kinds
