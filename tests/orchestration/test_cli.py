"""`scorecard show` answers a bad argument or a missing warehouse with one plain
sentence and an exit status (2: bad argument, 1: no warehouse), never a traceback;
`scorecard run` waits for another writer rather than failing, and says a line per stage."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus
from dagster._core.instance.ref import InstanceRef

from orchestration.cli import main
from tests.conftest import land
from tests.orchestration.test_publish import ROOT, TINY, cli_env
from tests.orchestration.test_report import OK, publish


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return publish(tmp_path / "scorecard.duckdb", {"2012-02-01": OK, "2012-03-01": OK}, [])


def show(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["show", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("month", ["2011-13", "abc", "2011-1", "0000-01"])
def test_a_month_that_is_not_yyyy_mm_is_a_bad_argument(capsys, warehouse, month):
    assert show(capsys, "--warehouse", str(warehouse), "--month", month) == (
        2,
        "",
        f"--month must be a month written YYYY-MM, such as 2011-12, not {month!r}.\n",
    )


def test_a_month_the_warehouse_does_not_hold_is_a_bad_argument(capsys, warehouse):
    assert show(capsys, "--warehouse", str(warehouse), "--month", "2015-01") == (
        2,
        "",
        "The warehouse holds no figures for 2015-01: its months run from Feb 2012 to Mar 2012.\n",
    )


def test_a_missing_warehouse_file_is_one_sentence_and_exit_1(capsys, tmp_path):
    missing = tmp_path / "nowhere" / "scorecard.duckdb"
    assert show(capsys, "--warehouse", str(missing)) == (
        1,
        "",
        f"There is no published warehouse at {missing}: run `scorecard run` first, "
        "or give its path with --warehouse.\n",
    )


def test_a_file_that_is_not_a_published_warehouse_is_one_sentence_and_exit_1(capsys, tmp_path):
    junk = tmp_path / "scorecard.duckdb"
    junk.write_text("not a database")
    status, out, err = show(capsys, "--warehouse", str(junk))
    assert (status, out) == (1, "")
    assert err.startswith(f"{junk} is not a published scorecard warehouse (")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_month_the_warehouse_holds_is_shown(capsys, warehouse):
    status, out, err = show(capsys, "--warehouse", str(warehouse), "--month", "2012-02")
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == "County scorecard, Feb 2012"


NO_DEMO = (
    "The demo generator is not installed: it is the separate scorecard-demo package, "
    "which `uv run scorecard ...` in a clone of the repository installs, as does "
    "`pip install ./demo` from the clone's root.\n"
)


@pytest.mark.parametrize("command", [["generate", "{landing}"], ["demo", "--landing", "{landing}"]])
def test_without_the_demo_package_generate_and_demo_say_how_to_get_it(
    capsys, monkeypatch, tmp_path, command
):
    """A plain pip install of the pipeline's wheel has no scorecard-demo: one sentence, exit 1,
    and `demo` stops before building anything."""
    monkeypatch.setitem(sys.modules, "scorecard_demo", None)  # its import now fails
    landing = tmp_path / "landing"
    argv = [arg.format(landing=landing) for arg in command]
    warehouse = ["--warehouse", str(tmp_path / "w.duckdb")] if command[0] == "demo" else []
    assert main(argv + warehouse) == 1
    assert capsys.readouterr() == ("", NO_DEMO)
    assert list(tmp_path.iterdir()) == []


def test_generate_writes_the_demo_landing_and_says_what_it_holds(capsys, tmp_path):
    landing = tmp_path / "landing"
    assert main(["generate", str(landing), "--months", "2011-12", "--seed", "1"]) == 0
    # one month: 12 districts x 8 extracts = 96 files; faults spare the headline month
    # (2011-12) and the last, so none is bad; the one junk item is tmp/referrals_draft.csv
    assert capsys.readouterr() == (
        f"Wrote a demo landing folder to {landing}: 96 files for 12 districts, with 0 "
        "deliberately bad rows, 0 broken file and 1 junk items for the pipeline to reject "
        "or ignore\n",
        "",
    )
    assert len([p for p in (landing / "2011-12").rglob("*") if p.is_file()]) == 96
    assert (landing / "tmp" / "referrals_draft.csv").is_file()


def test_generate_districts_writes_a_made_up_county(capsys, tmp_path):
    landing = tmp_path / "landing"
    argv = ["generate", str(landing), "--months", "2011-12", "--districts", "2", "--workers", "2"]
    assert main(argv) == 0
    # 2 made-up districts x 8 extracts = 16 files, nothing bad in the headline month
    assert capsys.readouterr().out == (
        f"Wrote a demo landing folder to {landing}: 16 files for 2 districts, with 0 "
        "deliberately bad rows, 0 broken file and 1 junk items for the pipeline to reject "
        "or ignore\n"
    )
    assert sorted(p.name for p in (landing / "2011-12").iterdir()) == ["ASH001", "BRA002"]


@pytest.mark.parametrize("count", ["0", "-3", "many"])
def test_generate_refuses_a_county_without_districts(capsys, tmp_path, count):
    with pytest.raises(SystemExit) as exited:
        main(["generate", str(tmp_path / "landing"), "--districts", count])
    assert exited.value.code == 2
    assert "--districts" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# --- `scorecard run`: one writer at a time, a line per stage ----------------------------


def scorecard_run_process(landing: Path, warehouse: Path, home: Path, *flags: str):
    command = [sys.executable, "-m", "orchestration.cli", "run",
               "--landing", str(landing), "--warehouse", str(warehouse), *flags]  # fmt: skip
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=cli_env(DAGSTER_HOME=str(home)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_held(lock: Path, first: subprocess.Popen) -> None:
    deadline = time.monotonic() + 240
    while not (lock.exists() and lock.read_text()):
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the first run never took the writer lock"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> dict:
    """Two `scorecard run`s on one Dagster instance and one warehouse, the second started
    while the first (with --verbose) writes. One pair of runs serves every test below."""
    tmp = tmp_path_factory.mktemp("two_runs")
    landing = land(tmp / "landing", TINY)
    warehouse = tmp / "out" / "scorecard.duckdb"
    home = tmp / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    first = scorecard_run_process(landing, warehouse, home, "--verbose")
    try:
        wait_until_held(warehouse.with_name(".scorecard.duckdb.work.duckdb.lock"), first)
        second = scorecard_run_process(landing, warehouse, home)
        second_out, second_err = second.communicate(timeout=600)
        first_out, first_err = first.communicate(timeout=600)
    finally:
        for process in (first, locals().get("second")):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    with DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        runs = sorted(instance.get_run_records(), key=lambda record: record.create_timestamp)
        events = [
            entry.dagster_event.event_type
            for record in runs
            for entry in instance.all_logs(record.dagster_run.run_id)
            if entry.dagster_event is not None
        ]
    return {
        "landing": landing,
        "warehouse": warehouse,
        "first": (first.returncode, first_out, first_err),
        "second": (second.returncode, second_out, second_err),
        "runs": [(record.dagster_run.run_id, record.dagster_run.status) for record in runs],
        "events": events,
    }


def test_a_second_scorecard_run_waits_for_the_first_and_says_which_run(two_runs):
    (first_id, _), _ = two_runs["runs"]
    status, out, err = two_runs["second"]
    assert status == 0, out + err
    waiting = [line for line in out.splitlines() if line.startswith("Waiting")]
    assert len(waiting) == 1, out
    assert re.fullmatch(
        rf"Waiting for run {first_id} \(scorecard_build, started \d\d:\d\d\) to finish \.\.\.",
        waiting[0],
    )


def test_two_scorecard_runs_at_once_both_succeed_and_mark_nothing_failed(two_runs):
    assert two_runs["first"][0] == 0, two_runs["first"][1] + two_runs["first"][2]
    assert [status for _, status in two_runs["runs"]] == [DagsterRunStatus.SUCCESS] * 2
    failures = {
        DagsterEventType.STEP_FAILURE,
        DagsterEventType.RUN_FAILURE,
        DagsterEventType.ASSET_FAILED_TO_MATERIALIZE,
    }
    assert failures.isdisjoint(two_runs["events"])


def project_counts() -> tuple[int, int, int]:
    """The dbt project's models and data tests, and every check of the definitions: a
    model or check added elsewhere must not break the stage lines' test."""
    from orchestration.dbt_project import DBT_PROJECT
    from orchestration.definitions import defs

    nodes = json.loads(DBT_PROJECT.manifest_path.read_text())["nodes"].values()
    kinds = Counter(node["resource_type"] for node in nodes)
    return kinds["model"], kinds["test"], len(defs.resolve_asset_graph().asset_check_keys)


def test_scorecard_run_prints_a_line_per_stage_and_no_logs_or_warnings(two_runs):
    """TINY: 2 reference files and 2 referrals files; targets.csv is missing, so it counts
    as a file rejected whole and its contract check fails (it does not block)."""
    models, tests, checks = project_counts()  # 34, 75 and 89 when written
    status, out, err = two_runs["second"]
    landing, warehouse = two_runs["landing"], two_runs["warehouse"]
    lines = [line for line in out.splitlines() if not line.startswith("Waiting")]
    assert lines == [
        f"Building from {landing} in one Dagster run of scorecard_build (ingestion, dbt, "
        "checks, publish; --verbose shows the full logs) ...",
        f"Reading 4 files from {landing}: 1 month, 2 districts",
        "Loading months: 1/1 (2011-04)",
        "Files loaded: 4; rejected whole: 1; ignored: 0; rows rejected: 0 "
        "(see audit.submissions and audit.rejected_rows)",
        "dbt: building the models and running their tests ...",
        f"dbt: {models} models built; {tests} tests passed, 0 failed",
        f"Checks: {checks - 1} passed, 1 failed (raw/targets:contract)",
        f"Published {warehouse}",
        "Warning: reference/targets.csv is missing: no targets, so no RAG ratings.",
    ]
    assert err == ""


def test_scorecard_run_verbose_shows_dbts_own_lines(two_runs):
    status, out, _ = two_runs["first"]
    assert "Running with dbt=" in out
    assert "Done. PASS=" in out
    assert "Running with dbt=" not in two_runs["second"][1]
