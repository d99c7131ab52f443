"""The real Dagster webserver (with its daemon, as `dagster dev` runs them) on 127.0.0.1:
launch a materialisation through the GraphQL API, wait for it, read the checks back;
then drop a file into the landing and see the sensor launch exactly one run for it."""

import json
import os
import shutil
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
STATUS = "query Status($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"
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
            time.sleep(1)
    pytest.fail("the webserver did not come up")


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
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
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
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_for_run(port: int, run_id: str, seconds: float = 300) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = graphql(port, STATUS, {"id": run_id})["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            if status != "SUCCESS":
                events = graphql(port, FAILURES, {"id": run_id})["logsForRun"]["events"]
                pytest.fail(f"run {status}: {[event for event in events if event]}")
            return status
        time.sleep(2)
    pytest.fail(f"run {run_id} did not finish")


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
    deadline = time.monotonic() + 120
    while not sensor_runs(port) and time.monotonic() < deadline:  # its first look
        time.sleep(2)
    for run in sensor_runs(port):
        wait_for_run(port, run["runId"])
    before = {run["runId"] for run in sensor_runs(port)}

    land(
        landing,
        {"2011-04/NOR/referrals.csv": "referral_id,child_id,referral_date\nR1,C1,2011-04-05\n"},
    )
    deadline = time.monotonic() + 120
    new = []
    while not new and time.monotonic() < deadline:
        time.sleep(2)
        new = [run for run in sensor_runs(port) if run["runId"] not in before]
    assert len(new) == 1, new
    (run,) = new
    tags = {tag["key"]: tag["value"] for tag in run["tags"]}
    assert run["jobName"] == "district_month_update"
    assert tags["dagster/partition"] == "NOR|2011-04"
    wait_for_run(port, run["runId"])
    time.sleep(15)  # several more looks at the unchanged landing
    assert [r["runId"] for r in sensor_runs(port) if r["runId"] not in before] == [run["runId"]]
