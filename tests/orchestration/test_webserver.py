"""The real Dagster webserver (with its daemon, as `dagster dev` runs them) on 127.0.0.1:
launch a materialisation through the GraphQL API, wait for it, read the checks back;
then switch the sensor on, drop a file into the landing and see it launch exactly one
run for it. Stopping `dagster dev` leaves none of its processes behind."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import DISTRICTS_CSV, land

ROOT = Path(__file__).resolve().parents[2]

LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""
STATUS = "query Status($id: ID!) { runOrError(runId: $id) { ... on Run { status endTime } } }"
FAILURES = """
query Failures($id: ID!) {
  logsForRun(runId: $id) {
    ... on EventConnection {
      events { ... on ExecutionStepFailureEvent { stepKey error { message } } }
    }
  }
}
"""
SENSOR_RUNS = """
{
  runsOrError(filter: {tags: [{key: "dagster/sensor_name", value: "landing_sensor"}]}) {
    ... on Runs { results { runId jobName status tags { key value } } }
  }
}
"""
SENSOR = {
    "repositoryLocationName": "scorecard",
    "repositoryName": "__repository__",
    "sensorName": "landing_sensor",
}
START_SENSOR = """
mutation Start($sensor: SensorSelector!) {
  startSensor(sensorSelector: $sensor) {
    __typename
    ... on Sensor { sensorState { status } }
    ... on PythonError { message }
  }
}
"""
TICKS = """
query Ticks($sensor: SensorSelector!, $after: Float) {
  sensorOrError(sensorSelector: $sensor) {
    ... on Sensor {
      sensorState {
        ticks(afterTimestamp: $after, statuses: [SKIPPED, SUCCESS]) { timestamp runIds cursor }
      }
    }
  }
}
"""
CHECKS = """
query Checks($key: AssetKeyInput!, $name: String!) {
  assetCheckExecutions(assetKey: $key, checkName: $name, limit: 1) {
    status
    evaluation { success }
  }
}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def graphql(port: int, query: str, variables: dict) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    assert "errors" not in body, body
    return body["data"]


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "dagster dev exited early"
        try:
            graphql(port, "{ version }", {})
            return
        except OSError:
            time.sleep(0.25)
    pytest.fail("the webserver did not come up")


def _stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat after the command name: state, ppid, pgrp, session, ...; None if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return None if fields[0] == "Z" else fields


def processes_of(root: int) -> dict[int, int]:
    """{pid: start time} of every live process `root` started: those in its session
    (orphaned or not) and its descendants, should one have left the session."""
    stats = {int(e.name): _stat(int(e.name)) for e in Path("/proc").iterdir() if e.name.isdigit()}
    stats = {pid: fields for pid, fields in stats.items() if fields}
    family = {pid for pid, fields in stats.items() if int(fields[3]) == root}
    while True:
        children = {pid for pid, fields in stats.items() if int(fields[1]) in family | {root}}
        if children <= family:
            return {pid: int(stats[pid][19]) for pid in family}
        family |= children


def still_running(processes: dict[int, int]) -> dict[int, int]:
    """Those of ``processes`` still alive (the same process: a reused pid starts later)."""
    return {
        pid: started
        for pid, started in processes.items()
        if (fields := _stat(pid)) and int(fields[19]) == started
    }


def stop(process: subprocess.Popen, grace: float = 5) -> dict[int, int]:
    """Stop `dagster dev` and every process it started; return any that survived.

    It can take half a minute to act on SIGTERM and leave its code server running, so
    whatever is still alive after a short grace period is killed.
    """
    family = processes_of(process.pid)
    os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while True:
        family |= processes_of(process.pid)
        left = still_running(family)
        if not left or time.monotonic() > deadline:
            break
        process.poll()  # reaps dagster dev once it has exited
        time.sleep(0.1)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while (left := still_running(family)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


@pytest.fixture(scope="module")
def dagster_dev(tmp_path_factory: pytest.TempPathFactory):
    """One `dagster dev` for the module (it takes a while to start)."""
    tmp_path = tmp_path_factory.mktemp("dagster_dev")
    landing = land(
        tmp_path / "landing",
        {
            "reference/districts.csv": DISTRICTS_CSV,
            "reference/population.csv": "district_code,year,population_0_17\nNOR,2011,900\n",
        },
    )
    home = tmp_path / "dagster_home"
    home.mkdir()
    config = (ROOT / "dagster_home" / "dagster.yaml").read_text()
    # the project's instance, with queued runs started within a second, not five
    (home / "dagster.yaml").write_text(config + "\nrun_queue:\n  dequeue_interval_seconds: 1\n")
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "SCORECARD_LANDING_DIR": str(landing),
        "SCORECARD_WAREHOUSE": str(tmp_path / "out" / "scorecard.duckdb"),
        "SCORECARD_SENSOR_INTERVAL_SECONDS": "5",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "dagster", "dev", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_up(port, process)
        yield port, landing, tmp_path / "out" / "scorecard.duckdb"
    finally:
        left = stop(process)
    assert not left, f"dagster dev left processes behind: {sorted(left)}"


def wait_for_run(port: int, run_id: str, seconds: float = 300) -> float:
    """Wait for the run to succeed; return when it ended."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = graphql(port, STATUS, {"id": run_id})["runOrError"]
        if run["status"] in ("SUCCESS", "FAILURE", "CANCELED"):
            if run["status"] != "SUCCESS":
                events = graphql(port, FAILURES, {"id": run_id})["logsForRun"]["events"]
                pytest.fail(f"run {run['status']}: {[event for event in events if event]}")
            return run["endTime"]
        time.sleep(0.5)
    pytest.fail(f"run {run_id} did not finish")


def ticks_after(port: int, timestamp: float | None) -> list[dict]:
    """The sensor's completed looks (skipped or requesting runs) after ``timestamp``."""
    sensor = graphql(port, TICKS, {"sensor": SENSOR, "after": timestamp})["sensorOrError"]
    return sensor["sensorState"]["ticks"]


def sensor_runs(port: int) -> list[dict]:
    return graphql(port, SENSOR_RUNS, {})["runsOrError"]["results"]


def test_a_run_launched_through_graphql_materialises_and_reports_its_checks(dagster_dev):
    port, landing, warehouse = dagster_dev
    launched = graphql(
        port,
        LAUNCH,
        {
            "params": {
                "selector": {
                    "repositoryLocationName": "scorecard",
                    "repositoryName": "__repository__",
                    "jobName": "reference_update",
                },
                "runConfigData": {},
            }
        },
    )["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]

    wait_for_run(port, run_id)
    assert warehouse.exists()

    def latest(path: list[str], name: str) -> dict:
        executions = graphql(port, CHECKS, {"key": {"path": path}, "name": name})
        return executions["assetCheckExecutions"][0]

    suite = latest(["marts", "scorecard_monthly"], "great_expectations")
    assert suite["status"] == "SUCCEEDED"
    assert suite["evaluation"]["success"] is True
    population = latest(["raw", "population"], "contract")
    assert population["evaluation"]["success"] is True


def test_a_file_dropped_into_the_landing_triggers_exactly_one_run(dagster_dev):
    port, landing, _ = dagster_dev
    assert not sensor_runs(port)  # it starts stopped: nothing runs until it is switched on
    started = graphql(port, START_SENSOR, {"sensor": SENSOR})["startSensor"]
    assert started == {"__typename": "Sensor", "sensorState": {"status": "RUNNING"}}, started
    deadline = time.monotonic() + 120
    while not ticks_after(port, None) and time.monotonic() < deadline:  # its first look
        time.sleep(0.5)
    assert [run["jobName"] for run in sensor_runs(port)] == ["reference_update"]
    before = {run["runId"] for run in sensor_runs(port)}

    land(
        landing,
        {"2011-04/NOR/referrals.csv": "referral_id,child_id,referral_date\nR1,C1,2011-04-05\n"},
    )
    deadline = time.monotonic() + 120
    new = []
    while not new and time.monotonic() < deadline:
        time.sleep(0.5)
        new = [run for run in sensor_runs(port) if run["runId"] not in before]
    assert len(new) == 1, new
    (run,) = new
    tags = {tag["key"]: tag["value"] for tag in run["tags"]}
    assert run["jobName"] == "district_month_update"
    assert tags["dagster/partition"] == "NOR|2011-04"
    for earlier in before:
        wait_for_run(port, earlier)
    ended = wait_for_run(port, run["runId"])
    (requested,) = [tick for tick in ticks_after(port, None) if run["runId"] in tick["runIds"]]
    deadline = time.monotonic() + 60
    while not ticks_after(port, ended) and time.monotonic() < deadline:
        time.sleep(0.5)
    looks = ticks_after(port, requested["timestamp"])
    assert ticks_after(port, ended)  # it looked again after the run ...
    assert len(looks) >= 3  # ... and several times at the unchanged landing since the file
    assert [r["runId"] for r in sensor_runs(port) if r["runId"] not in before] == [run["runId"]]
    assert all(not look["runIds"] and len(look["cursor"]) < 200 for look in looks)


IGNORES_SIGTERM = (
    "import pathlib, signal, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "pathlib.Path(sys.argv[1]).touch()\n"  # ready: SIGTERM is ignored from here on
    "time.sleep(120)\n"
)
STARTS_TWO = (
    "import subprocess, sys, time\n"
    f"subprocess.Popen([sys.executable, '-c', {IGNORES_SIGTERM!r}, sys.argv[1] + '/a'])\n"
    f"subprocess.Popen([sys.executable, '-c', {IGNORES_SIGTERM!r}, sys.argv[1] + '/b'],"
    " start_new_session=True)\n"
    "time.sleep(120)\n"
)


def test_stopping_leaves_no_process_behind_even_one_that_ignores_sigterm(tmp_path):
    """As `dagster dev` can leave its code server: the parent exits on SIGTERM, one child
    ignores it in the session, another ignores it in a session of its own."""
    process = subprocess.Popen(
        [sys.executable, "-c", STARTS_TWO, str(tmp_path)], start_new_session=True
    )
    deadline = time.monotonic() + 30
    while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    started = processes_of(process.pid)
    assert len(started) == 3
    assert stop(process, grace=1) == {}
    assert still_running(started) == {}
