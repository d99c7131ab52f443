"""Where things live, from environment variables with working defaults.

One place reads the environment, so the CLI, `dagster dev`, the sensor and the
tests agree on the landing folder, the published warehouse and the working
database without any path of one machine in the code.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DEFAULT_LANDING_DIR = Path("data/landing")
DEFAULT_WAREHOUSE = Path("data/scorecard.duckdb")
DEFAULT_KEY_FILE = Path("~/.config/scorecard/pseudonym.key")
DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
"""The dbt project, part of the source tree (orchestration.dbt_project builds on it)."""
WORK_DB_VARIABLE = "SCORECARD_WORK_DB"
"""The working database's path, as profiles.yml reads it for dbt."""


TRUE_WORDS = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse: Path
    work_db: Path
    allow_shrink: bool = False  # publish even if the scorecard shrank (quality.not_shrunk)
    reports_dir: Path | None = None  # the committee packs; None: `reports` beside the warehouse

    @classmethod
    def resolve(
        cls,
        landing_dir: str | Path | None = None,
        warehouse: str | Path | None = None,
        work_db: str | Path | None = None,
        allow_shrink: bool | None = None,
        reports_dir: str | Path | None = None,
    ) -> Settings:
        """Explicit values first, then SCORECARD_* environment variables, then defaults.

        The working database defaults to a hidden file beside the warehouse, on the
        same file system, so publishing can rename rather than copy across disks.
        """
        warehouse = Path(
            warehouse or os.getenv("SCORECARD_WAREHOUSE") or DEFAULT_WAREHOUSE
        ).absolute()
        work_db = work_db or os.getenv(WORK_DB_VARIABLE)
        reports_dir = reports_dir or os.getenv("SCORECARD_REPORTS_DIR")
        return cls(
            landing_dir=Path(
                landing_dir or os.getenv("SCORECARD_LANDING_DIR") or DEFAULT_LANDING_DIR
            ).absolute(),
            warehouse=warehouse,
            work_db=Path(work_db).absolute()
            if work_db
            else warehouse.with_name(f".{warehouse.name}.work.duckdb"),
            allow_shrink=allow_shrink
            or os.getenv("SCORECARD_ALLOW_SHRINK", "").strip().lower() in TRUE_WORDS,
            reports_dir=Path(reports_dir).absolute()
            if reports_dir
            else warehouse.parent / "reports",
        )


def console_log_level(verbose: bool) -> str:
    """Dagster's console log level for `scorecard run`: INFO with --verbose, else
    SCORECARD_LOG_LEVEL, else CRITICAL (the CLI says a failure's cause in a sentence)."""
    return "INFO" if verbose else os.getenv("SCORECARD_LOG_LEVEL", "CRITICAL")


def scorecard_environment() -> dict[str, str]:
    """Every SCORECARD_* variable but the pseudonym key itself (its fingerprint stands for
    it): what a run's output may depend on besides its files and code."""
    return {
        name: value
        for name, value in sorted(os.environ.items())
        if name.startswith("SCORECARD_") and name != "SCORECARD_PSEUDONYM_KEY"
    }


def pseudonym_key_from_environment() -> str | None:
    """SCORECARD_PSEUDONYM_KEY as set (an empty value counts as unset)."""
    return os.getenv("SCORECARD_PSEUDONYM_KEY") or None


def pseudonym_key_file() -> Path:
    return Path(os.getenv("SCORECARD_PSEUDONYM_KEY_FILE") or DEFAULT_KEY_FILE).expanduser()


# What one landed file may hold before it is rejected whole, so a hostile or broken file
# (a zip bomb, a sheet claiming a million rows) costs bounded time and memory.
# A district's monthly extract is a few thousand rows, well under 1 MB; a backfill of
# 15 years of a large district's referrals is about 300,000 rows, some 15-30 MB as CSV
# and 60-90 MB unpacked as a workbook. The defaults leave about three times that; a
# file at the limits takes about a minute and 1-2 GB to read.
DEFAULT_MAX_FILE_MB = 100.0  # a CSV takes about 20 times its size in memory to read
DEFAULT_MAX_WORKBOOK_MB = 200.0  # all of a workbook's parts, unpacked
DEFAULT_MAX_ROWS = 1_000_000  # a CSV's lines, or the last sheet row with data
DEFAULT_MAX_COLUMNS = 200  # an extract has at most 6; the rest is room for extra columns


@dataclass(frozen=True)
class Limits:
    """The size a landed file may reach; past any of them it is rejected whole."""

    max_file_mb: float
    max_workbook_mb: float
    max_rows: int
    max_columns: int

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def max_workbook_bytes(self) -> int:
        return int(self.max_workbook_mb * 1024 * 1024)

    @classmethod
    def resolve(cls) -> Limits:
        """SCORECARD_MAX_* environment variables, else the defaults above."""
        return cls(
            max_file_mb=_positive("SCORECARD_MAX_FILE_MB", DEFAULT_MAX_FILE_MB, float),
            max_workbook_mb=_positive("SCORECARD_MAX_WORKBOOK_MB", DEFAULT_MAX_WORKBOOK_MB, float),
            max_rows=_positive("SCORECARD_MAX_ROWS", DEFAULT_MAX_ROWS, int),
            max_columns=_positive("SCORECARD_MAX_COLUMNS", DEFAULT_MAX_COLUMNS, int),
        )


def _positive(variable: str, default: float, kind: type) -> float:
    """A limit from the environment; a mistyped one stops the run rather than lifting it."""
    text = os.getenv(variable)
    if text is None or not text.strip():
        return default
    try:
        value = kind(text.replace("_", "").replace(",", ""))
    except ValueError:
        value = 0
    if not 0 < value < math.inf:
        raise ValueError(f"{variable} must be a positive number, not {text!r}")
    return value


def dbt_environment(work_db: Path | None) -> dict[str, str]:
    """The environment dbt runs in: this process's, with SCORECARD_WORK_DB (profiles.yml's
    path) set to ``work_db`` when one is given.

    It is handed to the dbt child alone (orchestration.dbt_child), never written into this
    process's environment, so a later run here can never build in an earlier run's database.
    """
    environment = dict(os.environ)
    if work_db is not None:
        environment[WORK_DB_VARIABLE] = str(work_db)
    return environment


@contextmanager
def planned_events_per_asset() -> Iterator[None]:
    """While a run is created, Dagster records one "planned" event per asset of a range
    run instead of one per partition: ten years of 12 districts would otherwise write
    14,400 of them (about a fifth of a full run) before its first step. Dagster's own
    switch, an environment variable, is set for the block only. (Partitions of such a
    run that fails are then not marked failed: the CLI says why a run failed in a
    sentence.)"""
    variable = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"
    before = os.environ.get(variable)
    os.environ[variable] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ[variable]
        else:
            os.environ[variable] = before


def dagster_home() -> str | None:
    """DAGSTER_HOME as set: the CLI's runs then go to that instance and show in the UI."""
    return os.getenv("DAGSTER_HOME") or None


def sensor_interval_seconds() -> int:
    """How often the landing sensor looks (SCORECARD_SENSOR_INTERVAL_SECONDS, default 60)."""
    return int(os.getenv("SCORECARD_SENSOR_INTERVAL_SECONDS", "60"))


def schedule_working_day() -> int:
    """The working day after month end the monthly build runs on
    (SCORECARD_SCHEDULE_WORKING_DAY, default 5)."""
    return int(os.getenv("SCORECARD_SCHEDULE_WORKING_DAY", "5"))


def schedule_time() -> tuple[int, int]:
    """(hour, minute) of the schedule's daily tick, Europe/London
    (SCORECARD_SCHEDULE_TIME, default 07:00)."""
    hour, minute = (int(part) for part in os.getenv("SCORECARD_SCHEDULE_TIME", "07:00").split(":"))
    return hour, minute
