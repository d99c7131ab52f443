"""The county scorecard as `scorecard show` prints it, from a small hand-built warehouse:
the default month is the latest one complete for the county, and long indicator names
wrap on whole words instead of being cut off."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.report import (
    county_scorecard_lines,
    county_scorecard_markdown,
    special_cause_signals,
)

COLUMNS = "month_start, district_code, indicator_code, value, target, rag, direction, data_status"
LONG_NAME = "Initial assessments per 10,000 children, financial year to date, annualised"


def publish(
    path: Path,
    county: dict[str, dict[str, str]],
    districts: list[tuple],
    variation: dict[str, str] | None = None,
) -> Path:
    """A warehouse holding only what the report reads.

    ``county``: {month_start: {indicator_code: data_status}} for district ALL (values:
    REF_COUNT 5, IA_RATE_YTD 12.34 where ok); ``districts``: (month_start, district_code,
    indicator_code, data_status) rows; ``variation``: {indicator_code: variation} of the
    county's rows (null otherwise).
    """
    variation = variation or {}
    with duckdb.connect(str(path)) as con:
        con.execute(
            "CREATE SCHEMA marts;"
            "CREATE TABLE marts.dim_indicator "
            "(indicator_code VARCHAR, indicator_name VARCHAR, unit VARCHAR);"
            "CREATE TABLE marts.dim_month (month_start DATE, month_label VARCHAR);"
            "CREATE TABLE marts.scorecard_monthly (month_start DATE, district_code VARCHAR, "
            "indicator_code VARCHAR, value DOUBLE, target DOUBLE, rag VARCHAR, "
            "direction VARCHAR, data_status VARCHAR, variation VARCHAR, "
            "first_published_value DOUBLE, revised BOOLEAN DEFAULT false);"
        )
        con.execute(
            "INSERT INTO marts.dim_indicator VALUES "
            "('REF_COUNT', 'Referrals received', 'count'), (?, ?, 'rate_per_10k')",
            ["IA_RATE_YTD", LONG_NAME],
        )
        con.execute(
            "INSERT INTO marts.dim_month VALUES ('2012-01-01', 'Jan 2012'), "
            "('2012-02-01', 'Feb 2012'), ('2012-03-01', 'Mar 2012')"
        )
        values = {"REF_COUNT": 5.0, "IA_RATE_YTD": 12.34}
        for month, statuses in county.items():
            for code, status in statuses.items():
                value = values[code] if status == "ok" else None
                con.execute(
                    f"INSERT INTO marts.scorecard_monthly ({COLUMNS}, variation) "
                    "VALUES (?, 'ALL', ?, ?, ?, ?, ?, ?, ?)",
                    [month, code, value, 20.0 if code == "IA_RATE_YTD" else None,
                     "green" if value and code == "IA_RATE_YTD" else None, None, status,
                     variation.get(code)],
                )  # fmt: skip
        for month, district, code, status in districts:
            con.execute(
                f"INSERT INTO marts.scorecard_monthly ({COLUMNS}) "
                "VALUES (?, ?, ?, NULL, NULL, NULL, NULL, ?)",
                [month, district, code, status],
            )
    return path


OK = {"REF_COUNT": "ok", "IA_RATE_YTD": "ok"}


def lines_of(path: Path, month_start: str | None = None) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return county_scorecard_lines(con, month_start)


@pytest.fixture
def march_incomplete(tmp_path: Path) -> Path:
    """March lacks NOR's referrals and SOU's earlier months; February is complete."""
    return publish(
        tmp_path / "scorecard.duckdb",
        {
            "2012-01-01": OK,
            "2012-02-01": OK,
            "2012-03-01": {"REF_COUNT": "incomplete", "IA_RATE_YTD": "incomplete"},
        },
        [
            ("2012-03-01", "NOR", "REF_COUNT", "not_submitted"),
            ("2012-03-01", "SOU", "REF_COUNT", "ok"),
            ("2012-03-01", "NOR", "IA_RATE_YTD", "ok"),
            ("2012-03-01", "SOU", "IA_RATE_YTD", "insufficient_history"),
        ],
    )


HEADER = f"{'Indicator':<56} {'Value':>10} {'Target':>10}  {'RAG':<6} Direction Signal"


def note_of(lines: list[str]) -> str:
    """The paragraph between the title and the table, as one sentence."""
    assert lines[1] == "" and all(len(line) <= 108 for line in lines)
    return " ".join(lines[2 : lines.index("", 2)])


def test_default_month_is_the_latest_complete_for_the_county_and_says_why(march_incomplete):
    lines = lines_of(march_incomplete)
    assert lines[0] == "County scorecard, Feb 2012"
    assert note_of(lines) == (
        "Mar 2012 is the latest month, but its county figures are incomplete "
        "(not every extract submitted: NOR; an earlier month missing for a rolling or "
        "year-to-date figure: SOU), so this is Feb 2012, the latest complete month "
        "(--month 2012-03 shows Mar 2012)."
    )


def test_default_month_is_the_latest_when_it_is_complete(tmp_path):
    path = publish(tmp_path / "s.duckdb", {"2012-02-01": OK, "2012-03-01": OK}, [])
    assert lines_of(path)[:3] == ["County scorecard, Mar 2012", "", HEADER]


def test_with_no_complete_month_the_latest_is_shown_and_said_to_be_incomplete(tmp_path):
    incomplete = {"REF_COUNT": "incomplete", "IA_RATE_YTD": "ok"}
    path = publish(
        tmp_path / "s.duckdb",
        {"2012-02-01": incomplete, "2012-03-01": incomplete},
        [("2012-03-01", "NOR", "REF_COUNT", "not_submitted")],
    )
    lines = lines_of(path)
    assert lines[0] == "County scorecard, Mar 2012"
    assert note_of(lines) == (
        "No month's county figures are complete; Mar 2012, the latest, is shown "
        "(not every extract submitted: NOR)."
    )


def test_an_explicit_month_is_shown_as_asked_without_a_note(march_incomplete):
    assert lines_of(march_incomplete, "2012-03-01")[:3] == [
        "County scorecard, Mar 2012",
        "",
        HEADER,
    ]


def test_long_indicator_names_wrap_on_whole_words_instead_of_being_cut(tmp_path):
    path = publish(tmp_path / "s.duckdb", {"2012-03-01": OK}, [])
    assert lines_of(path)[2:] == [
        HEADER,
        f"{'Referrals received':<56} {'5':>10} {'-':>10}  {'-':<6} {'-':<9} -",
        f"{'Initial assessments per 10,000 children, financial year':<56} {'12.3':>10} "
        f"{'20.0':>10}  {'green':<6} {'-':<9} -",
        "  to date, annualised",
    ]


def test_a_special_cause_signal_is_marked_in_a_word_and_common_cause_is_not(tmp_path):
    # IA_RATE_YTD (lower is better) fired low: improvement; REF_COUNT is neutral: a
    # special cause that is neither better nor worse; common cause shows no mark.
    path = publish(
        tmp_path / "s.duckdb",
        {"2012-03-01": OK},
        [],
        {"IA_RATE_YTD": "special_cause_improvement", "REF_COUNT": "special_cause_neither"},
    )
    assert lines_of(path)[3:5] == [
        f"{'Referrals received':<56} {'5':>10} {'-':>10}  {'-':<6} {'-':<9} special",
        f"{'Initial assessments per 10,000 children, financial year':<56} {'12.3':>10} "
        f"{'20.0':>10}  {'green':<6} {'-':<9} improvement",
    ]
    for variation, word in [("special_cause_concern", "concern"), ("common_cause", "-")]:
        path = tmp_path / f"{variation}.duckdb"
        publish(path, {"2012-03-01": OK}, [], {"REF_COUNT": variation})
        assert lines_of(path)[3] == (
            f"{'Referrals received':<56} {'5':>10} {'-':>10}  {'-':<6} {'-':<9} {word}"
        )


def test_a_revised_figure_is_marked_with_its_first_published_value(tmp_path):
    """REF_COUNT (5 now) was first published as 4; IA_RATE_YTD first without a value."""
    path = publish(tmp_path / "s.duckdb", {"2012-03-01": OK}, [])
    with duckdb.connect(str(path)) as con:
        con.execute(
            "UPDATE marts.scorecard_monthly SET revised = true, first_published_value = "
            "CASE indicator_code WHEN 'REF_COUNT' THEN 4 END"
        )
    referrals = f"{'Referrals received':<56} {'5':>10} {'-':>10}  {'-':<6} {'-':<9} -"
    assessments = f"{'Initial assessments per 10,000 children, financial year':<56} {'12.3':>10} "
    assessments += f"{'20.0':>10}  {'green':<6} {'-':<9} -"
    assert lines_of(path)[2:] == [
        HEADER,
        f"{referrals:<108}  (revised; first published 4)",
        f"{assessments:<108}  (revised; first published with no value)",
        "  to date, annualised",
    ]
    with duckdb.connect(str(path), read_only=True) as con:
        table = county_scorecard_markdown(con).splitlines()
    assert table[4] == (
        "| Referrals received (`REF_COUNT`) | 5 | - |  |  |  | ok (revised; first published 4) |"
    )


def test_special_cause_signals_are_counted_for_the_month_common_cause_not(tmp_path):
    """Two county figures of March with a special cause (one of each kind counted), one
    common cause and a district row with none: 2; February has none."""
    path = publish(
        tmp_path / "s.duckdb",
        {"2012-02-01": OK, "2012-03-01": OK},
        [("2012-03-01", "NOR", "REF_COUNT", "not_submitted")],
        {"IA_RATE_YTD": "special_cause_concern", "REF_COUNT": "special_cause_neither"},
    )
    with duckdb.connect(str(path)) as con:
        con.execute(
            "UPDATE marts.scorecard_monthly SET variation = 'common_cause' "
            "WHERE month_start = '2012-02-01'"
        )
        assert special_cause_signals(con, date(2012, 3, 1)) == 2
        assert special_cause_signals(con, date(2012, 2, 1)) == 0
