"""Publishing is safe for BI: atomic, never blocked by readers, untouched by failed or
killed runs, gated by the blocking checks, and readable by a DuckDB 1.4 client."""

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import build, land, query

TINY = {
    "reference/districts.csv": "district_code,district_name\nNOR,North\nSOU,South\n",
    "reference/population.csv": (
        "district_code,year,population_0_17\nNOR,2011,1000\nSOU,2011,2000\n"
    ),
    "2011-04/NOR/referrals.csv": "referral_id,child_id,referral_date\nR1,CHILD-A,2011-04-05\n",
    "2011-04/SOU/referrals.csv": "referral_id,child_id,referral_date\nR9,CHILD-B,2011-04-06\n",
}
ANOTHER_REFERRAL = (
    "referral_id,child_id,referral_date\nR1,CHILD-A,2011-04-05\nR2,CHILD-C,2011-04-07\n"
)
REF_COUNT_NOR = (
    "SELECT value FROM marts.scorecard_monthly "
    "WHERE district_code = 'NOR' AND indicator_code = 'REF_COUNT'"
)
ROOT = Path(__file__).resolve().parents[2]


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a `scorecard run` subprocess: this one's, less the working
    database an earlier in-process build left in it (assets/transform.py sets it for dbt)."""
    env = {name: value for name, value in os.environ.items() if name != "SCORECARD_WORK_DB"}
    return env | extra


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def published(tmp_path: Path) -> tuple[Path, Path]:
    landing = land(tmp_path / "landing", TINY)
    warehouse = tmp_path / "out" / "scorecard.duckdb"
    assert build(landing, warehouse).published
    return landing, warehouse


def test_published_file_opens_in_a_duckdb_1_4_client(published):
    _, warehouse = published
    uv = os.environ.get("UV") or shutil.which("uv")
    assert uv, "uv runs the DuckDB 1.4 client in an environment of its own"
    script = (
        "import duckdb, sys; assert duckdb.__version__.startswith('1.4'), duckdb.__version__; "
        "con = duckdb.connect(sys.argv[1], read_only=True); "
        'print(con.execute("SELECT count(*) FROM marts.scorecard_monthly").fetchone()[0])'
    )
    result = subprocess.run(
        [
            uv,
            "run",
            "--no-project",
            "--isolated",
            "--with",
            "duckdb>=1.4,<1.5",
            "python",
            "-c",
            script,
            str(warehouse),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    # 1 month x (2 districts + county) x 19 indicators
    assert int(result.stdout.strip()) == 1 * 3 * 19


def test_an_open_reader_neither_fails_nor_blocks_a_run(published):
    landing, warehouse = published
    reader = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert reader.execute(REF_COUNT_NOR).fetchone()[0] == 1
        land(landing, {"2011-04/NOR/referrals.csv": ANOTHER_REFERRAL})
        assert build(landing, warehouse).published
        # the reader keeps the file it opened, whole; new readers see the new one
        assert reader.execute(REF_COUNT_NOR).fetchone()[0] == 1
    finally:
        reader.close()
    assert query(warehouse, REF_COUNT_NOR) == [(2.0,)]


def test_a_killed_run_leaves_the_published_file_unchanged_and_the_next_run_succeeds(published):
    landing, warehouse = published
    before = sha256(warehouse)
    land(landing, {"2011-04/NOR/referrals.csv": ANOTHER_REFERRAL})
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "orchestration.cli",
            "run",
            "--landing",
            str(landing),
            "--warehouse",
            str(warehouse),
        ],  # fmt: skip
        cwd=ROOT,
        env={**os.environ, "SCORECARD_LOG_LEVEL": "DEBUG"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # so the kill reaches dbt's own process too
    )
    deadline = time.monotonic() + 240
    for line in process.stdout:
        if 'Started execution of step "scorecard_dbt"' in line or time.monotonic() > deadline:
            break
    time.sleep(1.5)  # dbt is now writing the working database
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert sha256(warehouse) == before
    assert query(warehouse, REF_COUNT_NOR) == [(1.0,)]

    assert build(landing, warehouse).published
    assert query(warehouse, REF_COUNT_NOR) == [(2.0,)]
    assert not list(warehouse.parent.glob("*.publishing"))


def test_a_failing_blocking_check_stops_the_publish(published):
    """Break a mart in the working database, then run the suite and the publish."""
    from dagster import AssetKey, DagsterInstance

    from orchestration.assets.quality import FCT_WORKFORCE_MONTHLY, SCORECARD_MONTHLY
    from orchestration.definitions import defs
    from orchestration.settings import Settings

    landing, warehouse = published
    settings = Settings.resolve(landing, warehouse)
    before = sha256(warehouse)
    with duckdb.connect(str(settings.work_db)) as con:
        con.execute(
            "UPDATE marts.scorecard_monthly SET value = -1 "
            "WHERE district_code = 'NOR' AND indicator_code = 'REF_COUNT'"
        )

    job = defs.resolve_implicit_global_asset_job_def().get_subset(
        asset_selection={AssetKey(["publish", "published_warehouse"])},
        asset_check_selection={
            check
            for check in defs.resolve_asset_graph().asset_check_keys
            if check.asset_key in (SCORECARD_MONTHLY, FCT_WORKFORCE_MONTHLY)
            and check.name == "great_expectations"
        },
    )
    result = job.execute_in_process(
        instance=DagsterInstance.ephemeral(),
        run_config={
            "resources": {
                "scorecard": {
                    "config": {
                        "landing_dir": str(landing),
                        "warehouse": str(warehouse),
                        "work_db": str(settings.work_db),
                    }
                }
            }
        },
        raise_on_error=False,
    )
    evaluations = {
        evaluation.asset_key: evaluation for evaluation in result.get_asset_check_evaluations()
    }
    assert evaluations[SCORECARD_MONTHLY].passed is False
    # only the month whose rows differ from the published file's is validated
    assert evaluations[SCORECARD_MONTHLY].metadata["months_validated"].value == 1
    assert evaluations[FCT_WORKFORCE_MONTHLY].passed is True
    assert evaluations[FCT_WORKFORCE_MONTHLY].metadata["months_validated"].value == 0
    assert not result.asset_materializations_for_node("publish__published_warehouse")
    assert sha256(warehouse) == before


def test_a_failing_dbt_data_test_stops_the_publish(published):
    """The dbt tests the GX suite no longer repeats (value lists, grain, grid) block too:
    a failing one fails `dbt build`, hence the dbt step, so the publish never runs."""
    from dagster import AssetKey, DagsterInstance

    from orchestration.assets.quality import NOT_SHRUNK
    from orchestration.definitions import defs
    from orchestration.settings import Settings

    landing, warehouse = published
    settings = Settings.resolve(landing, warehouse)
    before = sha256(warehouse)
    # a team type the contract would have rejected, written past it into raw
    with duckdb.connect(str(settings.work_db)) as con:
        con.execute(
            "INSERT INTO raw.workforce BY NAME SELECT DATE '2011-04-01' AS reporting_month, "
            "'NOR' AS district_code, 'workforce.csv' AS file_name, 2 AS line_number, "
            "'W1' AS worker_id, 'T1' AS team_code, 'purple' AS team_type, "
            "true AS case_holding, 'agency' AS employment_type, 1.0 AS fte"
        )

    graph = defs.resolve_asset_graph()
    publish = AssetKey(["publish", "published_warehouse"])
    layers = ("staging", "intermediate", "marts")
    dbt_models = {key for key in graph.get_all_asset_keys() if key.path[0] in layers}
    job = defs.resolve_implicit_global_asset_job_def().get_subset(
        asset_selection=dbt_models | {publish},
        asset_check_selection={
            check
            for check in graph.asset_check_keys
            if check.name not in ("great_expectations", NOT_SHRUNK)
            and check.asset_key.path[0] == "marts"
        },
    )
    result = job.execute_in_process(
        instance=DagsterInstance.ephemeral(),
        run_config={
            "resources": {
                "scorecard": {
                    "config": {
                        "landing_dir": str(landing),
                        "warehouse": str(warehouse),
                        "work_db": str(settings.work_db),
                    }
                }
            }
        },
        raise_on_error=False,
    )
    failing = [
        evaluation.check_name
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed
    ]
    assert [name for name in failing if "team_type" in name] == [
        "accepted_values_fct_workforce_monthly_team_type___var_value_lists_team_types_"
    ]
    assert not result.success
    assert not result.asset_materializations_for_node("publish__published_warehouse")
    assert sha256(warehouse) == before


def test_the_published_marts_carry_their_descriptions(published):
    """BI users see the dbt docs: every marts table and column has its comment."""
    _, warehouse = published
    undocumented = query(
        warehouse,
        "SELECT table_name, NULL FROM duckdb_tables() "
        "WHERE schema_name = 'marts' AND comment IS NULL "
        "UNION ALL SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE schema_name = 'marts' AND comment IS NULL",
    )
    assert undocumented == []
    assert len(query(warehouse, "SELECT * FROM duckdb_tables() WHERE schema_name = 'marts'")) == 10


def test_a_folder_name_with_an_apostrophe_publishes(tmp_path: Path):
    """Paths reach DuckDB as parameters, never as SQL text, so any folder name works."""
    landing = land(tmp_path / "landing", TINY)
    warehouse = tmp_path / "o'brien" / "scorecard.duckdb"
    outcome = build(landing, warehouse)
    assert outcome.published, outcome.message
    assert query(warehouse, REF_COUNT_NOR) == [(1.0,)]


def test_a_killed_publishers_copy_and_its_write_ahead_log_are_removed(tmp_path: Path):
    from orchestration import warehouse as warehouse_module

    work_db = tmp_path / ".scorecard.duckdb.work.duckdb"
    with warehouse_module.connect(work_db):
        pass
    out = tmp_path / "scorecard.duckdb"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    alive = os.getppid()  # a publisher still at work keeps its copy
    leftovers = [
        tmp_path / f".scorecard.duckdb.{dead}.publishing",
        tmp_path / f".scorecard.duckdb.{dead}.publishing.wal",
    ]
    kept = [
        tmp_path / f".scorecard.duckdb.{alive}.publishing",
        tmp_path / f".scorecard.duckdb.{alive}.publishing.wal",
    ]
    for path in leftovers + kept:
        path.write_bytes(b"half-built")
    warehouse_module.publish(work_db, out)
    assert out.exists()
    assert [path for path in leftovers if path.exists()] == []
    assert [path for path in kept if path.exists()] == kept


def _processes() -> dict[int, tuple[int, str, str]]:
    """Every process now: pid -> (parent pid, state, command line)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        found[int(entry.name)] = (int(parent), state, command)
    return found


def _dbt_builds_under(root: int) -> list[int]:
    processes = _processes()

    def descends(pid: int) -> bool:
        while pid in processes and pid > 1:
            pid = processes[pid][0]
            if pid == root:
                return True
        return False

    return [
        pid
        for pid, (_, state, command) in processes.items()
        if "dbt" in command and " build " in command and state != "Z" and descends(pid)
    ]


def _running(pid: int) -> bool:
    process = _processes().get(pid)
    return process is not None and process[1] != "Z"


def test_a_killed_run_takes_its_dbt_build_with_it(published):
    """SIGKILL reaches only the CLI (as the OOM killer's would): dbt must not live on
    writing the working database, where the next run would collide with it."""
    landing, warehouse = published
    land(landing, {"2011-04/NOR/referrals.csv": ANOTHER_REFERRAL})
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "orchestration.cli",
            "run",
            "--landing",
            str(landing),
            "--warehouse",
            str(warehouse),
        ],  # fmt: skip
        cwd=ROOT,
        env=cli_env(SCORECARD_LOG_LEVEL="DEBUG"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # only so that the test can clean up after a failure
    )
    try:
        deadline = time.monotonic() + 240
        for line in process.stdout:
            if 'Started execution of step "scorecard_dbt"' in line or time.monotonic() > deadline:
                break
        builds = []
        while not builds and time.monotonic() < deadline:
            builds = _dbt_builds_under(process.pid)
            time.sleep(0.1)
        assert builds, "dbt build started"
        time.sleep(1.0)  # dbt is now writing the working database
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        time.sleep(2.0)
        assert [pid for pid in builds if _running(pid)] == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def test_scorecard_run_by_absolute_path_needs_no_dbt_on_path(tmp_path: Path):
    """dbt is found beside the running interpreter: a scheduler's bare PATH is enough."""
    landing = land(tmp_path / "landing", TINY)
    warehouse = tmp_path / "out" / "scorecard.duckdb"
    scorecard = Path(sys.executable).parent / "scorecard"
    result = subprocess.run(
        [str(scorecard), "run", "--landing", str(landing), "--warehouse", str(warehouse)],
        cwd=tmp_path,
        env=cli_env(PATH="/usr/bin:/bin"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert query(warehouse, REF_COUNT_NOR) == [(1.0,)]


# --- a change of pseudonym key, and a scorecard that collapsed -------------------------

KEY_A = "key-A-" + "a" * 58  # 64 bytes, like the key file the first run creates
KEY_B = "key-B-" + "b" * 58
FIGURES = (
    "SELECT strftime(month_start, '%Y-%m'), district_code, indicator_code, numerator, value "
    "FROM marts.scorecard_monthly ORDER BY ALL"
)
NON_NULL_VALUES = "SELECT count(value) FROM marts.scorecard_monthly"
MAY = {
    "2011-05/NOR/referrals.csv": "referral_id,child_id,referral_date\nR3,CHILD-D,2011-05-05\n",
    "2011-05/SOU/referrals.csv": "referral_id,child_id,referral_date\nR8,CHILD-E,2011-05-06\n",
}


def scorecard_run(landing: Path, warehouse: Path, *args: str, key: str = KEY_A):
    """`scorecard run` as a user types it, in a process of its own."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.cli",
            "run",
            "--landing",
            str(landing),
            "--warehouse",
            str(warehouse),
            *args,
        ],  # fmt: skip
        cwd=ROOT,
        env=cli_env(SCORECARD_PSEUDONYM_KEY=key),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_new_pseudonym_key_reloads_everything_and_publishes_the_same_figures(tmp_path):
    landing = land(tmp_path / "landing", TINY)
    warehouse = tmp_path / "out" / "scorecard.duckdb"
    work_db = warehouse.with_name(f".{warehouse.name}.work.duckdb")
    pseudonyms = "SELECT child_id FROM raw.referrals ORDER BY referral_id"

    first = scorecard_run(landing, warehouse, key=KEY_A)
    assert first.returncode == 0, first.stdout + first.stderr
    figures, under_a = query(warehouse, FIGURES), query(work_db, pseudonyms)
    assert query(warehouse, NON_NULL_VALUES) == [(3,)]  # REF_COUNT of NOR, SOU and the county

    second = scorecard_run(landing, warehouse, key=KEY_B)
    assert second.returncode == 0, second.stdout + second.stderr
    assert query(warehouse, FIGURES) == figures
    under_b = query(work_db, pseudonyms)
    assert len(under_b) == len(under_a) == 2
    assert not set(under_a) & set(under_b)


def test_a_scorecard_with_under_half_the_published_figures_is_not_published(published):
    landing, warehouse = published
    before = sha256(warehouse)
    shutil.rmtree(landing / "2011-04" / "SOU")  # the county is then incomplete too
    outcome = build(landing, warehouse)
    assert not outcome.published
    assert outcome.message == (
        "Nothing was published: the new scorecard has 1 figure where the published one has 3 "
        "for the same months; if this is intended run again with --allow-shrink"
    )
    assert sha256(warehouse) == before


def test_an_empty_scorecard_is_not_published_over_a_good_one(published):
    landing, warehouse = published
    before = sha256(warehouse)
    shutil.rmtree(landing / "2011-04")
    outcome = build(landing, warehouse)
    assert not outcome.published
    assert outcome.message == (
        "Nothing was published: the new scorecard has 0 figures where the published one has 3 "
        "for the same months; if this is intended run again with --allow-shrink"
    )
    assert sha256(warehouse) == before


def test_a_district_month_that_lost_every_figure_is_published_only_with_allow_shrink(tmp_path):
    from orchestration.build import build_warehouse
    from orchestration.settings import Settings

    landing = land(tmp_path / "landing", TINY | MAY)
    warehouse = tmp_path / "out" / "scorecard.duckdb"
    assert build(landing, warehouse).published
    assert query(warehouse, NON_NULL_VALUES) == [(6,)]  # REF_COUNT of NOR, SOU, county x 2
    before = sha256(warehouse)

    shutil.rmtree(landing / "2011-05" / "SOU")  # 4 figures of 6 remain: not under half
    outcome = build(landing, warehouse)
    assert not outcome.published
    assert outcome.message == (
        "Nothing was published: the new scorecard has no figures for ALL in 2011-05 and SOU "
        "in 2011-05 where the published one has 2; if this is intended run again with "
        "--allow-shrink"
    )
    assert sha256(warehouse) == before

    outcome = build_warehouse(Settings.resolve(landing, warehouse, allow_shrink=True))
    assert outcome.published, outcome.message
    assert query(warehouse, NON_NULL_VALUES) == [(4,)]


def test_the_override_comes_from_the_flag_or_the_environment(monkeypatch, tmp_path):
    from orchestration import build, cli
    from orchestration.build import Outcome
    from orchestration.settings import Settings

    seen = []
    monkeypatch.setattr(
        build,
        "build_warehouse",
        lambda settings, **_: seen.append(settings) or Outcome(False, "-"),
    )
    monkeypatch.delenv("SCORECARD_ALLOW_SHRINK", raising=False)
    cli.main(["run", "--landing", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb")])
    cli.main(["run", "--allow-shrink", "--landing", str(tmp_path)])
    assert [settings.allow_shrink for settings in seen] == [False, True]
    monkeypatch.setenv("SCORECARD_ALLOW_SHRINK", "1")
    assert Settings.resolve().allow_shrink is True
    monkeypatch.setenv("SCORECARD_ALLOW_SHRINK", "0")
    assert Settings.resolve().allow_shrink is False


def test_a_short_pseudonym_key_stops_the_cli_with_one_sentence(tmp_path):
    landing = land(tmp_path / "landing", TINY)
    warehouse = tmp_path / "out" / "scorecard.duckdb"
    result = scorecard_run(landing, warehouse, key="test-pseudonym-key")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines()[-1] == (
        "Nothing was published: the pseudonym key in SCORECARD_PSEUDONYM_KEY is 18 bytes long "
        "and must be at least 32 (for example 64 hex characters from "
        "`python -c 'import secrets; print(secrets.token_hex(32))'`)"
    )
    assert not warehouse.exists()


def figures(rows: list[tuple[str, str, int]]):
    import pandas as pd

    return pd.DataFrame(rows, columns=["month", "district_code", "figures"])


def test_half_the_published_figures_is_the_least_that_publishes():
    from orchestration.assets.quality import shrinkage

    published = figures([("2011-04", "NOR", 6), ("2011-04", "ALL", 4)])
    assert not shrinkage(published, figures([("2011-04", "NOR", 1), ("2011-04", "ALL", 4)])).shrank
    fewer = shrinkage(published, figures([("2011-04", "NOR", 1), ("2011-04", "ALL", 3)]))
    assert fewer.shrank
    assert fewer.sentence() == (
        "the new scorecard has 4 figures where the published one has 10 for the same months"
    )


def test_only_the_published_months_are_compared_and_new_months_do_not_count():
    from orchestration.assets.quality import shrinkage

    published = figures([("2011-04", "NOR", 6)])
    moved = shrinkage(published, figures([("2011-05", "NOR", 60)]))
    assert (moved.new, moved.published, moved.shrank) == (0, 6, True)
    grown = shrinkage(published, figures([("2011-04", "NOR", 6), ("2011-05", "NOR", 6)]))
    assert (grown.new, grown.published, grown.shrank) == (6, 6, False)


def test_nothing_published_or_nothing_to_lose_never_blocks():
    from orchestration.assets.quality import shrinkage

    assert not shrinkage(None, figures([])).shrank
    assert not shrinkage(figures([("2011-04", "NOR", 0)]), figures([])).shrank


def test_district_months_that_lost_every_figure_are_named_up_to_three():
    from orchestration.assets.quality import shrinkage

    published = figures(
        [("2011-04", district, 5) for district in ("ALL", "EAS", "NOR", "SOU", "WES")]
        + [("2011-05", "ALL", 90)]
    )
    new = figures([("2011-04", "ALL", 5), ("2011-05", "ALL", 90), ("2011-04", "NOR", 0)])
    found = shrinkage(published, new)
    assert found.shrank and (found.new, found.published) == (95, 115)
    assert found.sentence() == (
        "the new scorecard has no figures for EAS in 2011-04, NOR in 2011-04, SOU in 2011-04 "
        "and 1 other district-month where the published one has 20"
    )
