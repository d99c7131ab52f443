"""The real Dagster webserver (with its daemon, as `dagster dev` runs them) on 127.0.0.1:
launch a materialisation through the GraphQL API, wait for it, read the checks back."""

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


@pytest.fixture
def dagster_dev(tmp_path: Path):
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
        yield port, tmp_path / "out" / "scorecard.duckdb"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_a_run_launched_through_graphql_materialises_and_reports_its_checks(dagster_dev):
    port, warehouse = dagster_dev
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

    deadline = time.monotonic() + 300
    status = None
    while time.monotonic() < deadline:
        status = graphql(port, STATUS, {"id": run_id})["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        time.sleep(2)
    if status != "SUCCESS":
        events = graphql(port, FAILURES, {"id": run_id})["logsForRun"]["events"]
        pytest.fail(f"run {status}: {[event for event in events if event]}")
    assert warehouse.exists()

    def latest(path: list[str], name: str) -> dict:
        executions = graphql(port, CHECKS, {"key": {"path": path}, "name": name})
        return executions["assetCheckExecutions"][0]

    suite = latest(["marts", "scorecard_monthly"], "great_expectations")
    assert suite["status"] == "SUCCEEDED"
    assert suite["evaluation"]["success"] is True
    population = latest(["raw", "population"], "contract")
    assert population["evaluation"]["success"] is True
