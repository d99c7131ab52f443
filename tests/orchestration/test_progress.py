"""The months bar of `scorecard run`: updated in place on a terminal, about ten plain lines
when the output is a file or a pipe (cron's mail, a CI log)."""

from __future__ import annotations

import io
from pathlib import Path

from dagster import EventLogEntry

from orchestration.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def month_loaded(month: str) -> EventLogEntry:
    """What district_extracts logs after writing a month."""
    return EventLogEntry(
        error_info=None,
        level=20,
        user_message=f"{month}: loaded 12 district-month partition(s)",
        run_id="run-1",
        timestamp=0.0,
        step_key="district_extracts",
        job_name="scorecard_build",
    )


def months(count: int) -> list[str]:
    return [
        f"{2010 + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}" for month in range(1, count + 1)
    ]


def test_on_a_terminal_the_months_bar_is_redrawn_in_place_and_ended_by_the_next_line():
    out = Terminal()
    progress = Progress(out, months(2), Path("unused.duckdb"))
    progress(month_loaded("2010-01"))
    progress(month_loaded("2010-02"))
    progress.say("next stage")
    assert out.getvalue() == (
        "\rLoading months [############------------] 1/2 2010-01"
        "\rLoading months [########################] 2/2 2010-02"
        "\nnext stage\n"
    )


def test_not_on_a_terminal_the_months_are_about_ten_plain_lines():
    """24 months: a line each time another tenth is done (months 3, 5, 8, 10, 12, 15, 17,
    20, 22 and 24, where 10 * n // 24 steps up)."""
    out = io.StringIO()
    progress = Progress(out, months(24), Path("unused.duckdb"))
    for month in months(24):
        progress(month_loaded(month))
    assert out.getvalue().splitlines() == [
        "Loading months: 3/24 (2010-03)",
        "Loading months: 5/24 (2010-05)",
        "Loading months: 8/24 (2010-08)",
        "Loading months: 10/24 (2010-10)",
        "Loading months: 12/24 (2010-12)",
        "Loading months: 15/24 (2011-03)",
        "Loading months: 17/24 (2011-05)",
        "Loading months: 20/24 (2011-08)",
        "Loading months: 22/24 (2011-10)",
        "Loading months: 24/24 (2011-12)",
    ]


def test_log_lines_of_other_steps_move_no_bar():
    out = io.StringIO()
    progress = Progress(out, months(2), Path("unused.duckdb"))
    other = month_loaded("2010-01")
    progress(EventLogEntry(**{**other._asdict(), "step_key": "reference_files"}))
    assert out.getvalue() == ""
