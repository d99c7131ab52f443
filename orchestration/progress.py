"""What `scorecard run` says while it runs: a line per stage, a bar over the months.

The lines come from the run's own events as Dagster records them (a step starting, a
month loaded, a check evaluated), so the console follows the same run the UI shows,
without the hundreds of lines of dbt's and Dagster's logs (`--verbose` shows those).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TextIO

import duckdb
from dagster import DagsterEventType, EventLogEntry

from orchestration.landing import Landing
from orchestration.writer_lock import Holder

BAR_WIDTH = 24
RAW_STEPS = ("reference_files", "district_extracts")
DBT_STEP = "scorecard_dbt"
# district_extracts logs "<YYYY-MM>: loaded ..." after each month it has written
MONTH_LOADED = re.compile(r"^(\d{4}-\d{2}): loaded")
AUDIT_COUNTS = (
    "SELECT count(*) FILTER (status = 'loaded'), count(*) FILTER (status = 'rejected'), "
    "count(*) FILTER (status = 'ignored'), coalesce(sum(rows_rejected), 0)::BIGINT "
    "FROM audit.submissions"
)


def files_to_read(landing: Landing) -> int:
    """The reference files and every file in the listed districts' month folders."""
    in_folders = sum(
        entry.is_file()
        for folders in landing.district_folders.values()
        for folder in folders
        for entry in folder.iterdir()
    )
    return len(landing.reference) + in_folders


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


class Progress:
    """Stage lines for one run, written to ``out``; a bar updated in place on a terminal."""

    def __init__(self, out: TextIO, months: list[str], work_db: Path) -> None:
        self.out = out
        self.months = months
        self.work_db = work_db
        self.tty = out.isatty()
        self.loaded = 0
        self.bar_open = False
        self.dbt = {"models": 0, "passed": 0, "failed": 0}
        self.checks = {"passed": 0, "warned": 0, "failed": 0}
        self.failed_checks: list[str] = []

    def say(self, line: str) -> None:
        if self.bar_open:
            self.out.write("\n")
            self.bar_open = False
        self.out.write(line + "\n")
        self.out.flush()

    def reading(self, landing: Landing, districts: list[str]) -> None:
        self.say(
            f"Reading {plural(files_to_read(landing), 'file')} from {landing.root}: "
            f"{plural(len(self.months), 'month')}, {plural(len(districts), 'district')}"
        )

    def waiting(self, holder: Holder) -> None:
        self.say(f"Waiting for {holder.describe()} to finish ...")

    def overdue(self, holder: Holder) -> None:
        self.say(
            f"Not waiting any longer for {holder.describe()}: it has not started writing; "
            "if its process has died, mark it canceled in the Dagster UI."
        )

    def __call__(self, entry: EventLogEntry) -> None:
        """Dagster calls this with each event of the run, as it is recorded."""
        event = entry.dagster_event
        if event is None:
            if entry.step_key == "district_extracts" and (
                found := MONTH_LOADED.match(entry.user_message)
            ):
                self._month_loaded(found.group(1))
            return
        kind = event.event_type
        if kind == DagsterEventType.STEP_START and event.step_key == DBT_STEP:
            self._audit()
            self.say("dbt: building the models and running their tests ...")
        elif kind == DagsterEventType.ASSET_MATERIALIZATION and event.step_key == DBT_STEP:
            self.dbt["models"] += event.asset_key.path[0] != "raw"  # the seed is reference data
        elif kind == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            outcome = (
                "passed"
                if evaluation.passed
                else "warned"
                if evaluation.severity.value == "WARN"
                else "failed"
            )
            self.checks[outcome] += 1
            if outcome == "failed":
                key = evaluation.asset_check_key
                self.failed_checks.append(f"{key.asset_key.to_user_string()}:{key.name}")
            if event.step_key == DBT_STEP:
                self.dbt["passed" if evaluation.passed else "failed"] += 1
        elif kind in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE) and (
            event.step_key == DBT_STEP
        ):
            self.say(
                f"dbt: {plural(self.dbt['models'], 'model')} built; "
                f"{self.dbt['passed']} tests passed, {self.dbt['failed']} failed"
            )
        elif kind in (DagsterEventType.RUN_SUCCESS, DagsterEventType.RUN_FAILURE):
            warned = f", {self.checks['warned']} warned" if self.checks["warned"] else ""
            failed = f" ({', '.join(sorted(self.failed_checks))})" if self.failed_checks else ""
            self.say(
                f"Checks: {self.checks['passed']} passed{warned}, "
                f"{self.checks['failed']} failed{failed}"
            )

    def _month_loaded(self, month: str) -> None:
        self.loaded += 1
        total = max(len(self.months), self.loaded)
        if self.tty:
            filled = BAR_WIDTH * self.loaded // total
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self.out.write(f"\rLoading months [{bar}] {self.loaded}/{total} {month}")
            self.out.flush()
            self.bar_open = True
        elif self.loaded == total or 10 * self.loaded // total > 10 * (self.loaded - 1) // total:
            self.say(f"Loading months: {self.loaded}/{total} ({month})")  # about ten lines

    def _audit(self) -> None:
        """What the raw layer loaded, read from its audit before dbt opens the database."""
        with duckdb.connect(str(self.work_db), read_only=True) as con:
            loaded, rejected, ignored, rows = con.execute(AUDIT_COUNTS).fetchone()
        self.say(
            f"Files loaded: {loaded}; rejected whole: {rejected}; ignored: {ignored}; "
            f"rows rejected: {rows} (see audit.submissions and audit.rejected_rows)"
        )
