"""Event records behave like real extracts; snapshots hang together within a month."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from conftest import Landing

Versions = dict[tuple[str, str], list[tuple[str, dict[str, object]]]]


def versions(landing: Landing, extract: str) -> Versions:
    """(district, id) -> [(reporting month, parsed record)] in month order."""
    cache = _VERSIONS.setdefault(id(landing), {})
    if extract not in cache:
        cache[extract] = _versions(landing, extract)
    return cache[extract]


_VERSIONS: dict[int, dict[str, Versions]] = {}


def _versions(landing: Landing, extract: str) -> Versions:
    found: Versions = defaultdict(list)
    for landed in sorted(landing.manifest.files, key=lambda f: f.reporting_month):
        checked = landing.checked.get(landed.path)
        if landed.extract != extract or checked is None:
            continue
        for _, record in checked.valid:
            key = (landed.district_code, str(next(iter(record.values()))))
            found[key].append((landed.reporting_month, record))
    return found


def test_an_assessment_is_sent_when_started_and_again_when_completed(landing: Landing):
    seen = versions(landing, "initial_assessments")
    two_step = [
        v
        for v in seen.values()
        if len(v) >= 2 and v[0][1]["completed_date"] is None and v[-1][1]["completed_date"]
    ]
    assert len(two_step) > 1_000
    for history in seen.values():  # once completed, never blank again
        done = [record["completed_date"] is not None for _, record in history]
        assert done == sorted(done)


def test_a_plan_is_sent_when_it_starts_and_when_it_ends(landing: Landing):
    seen = versions(landing, "cp_plans")
    started_and_ended = [
        v for v in seen.values() if v[0][1]["end_date"] is None and v[-1][1]["end_date"]
    ]
    assert len(started_and_ended) > 500
    # the first month is a full load of open plans, started before the data begins
    first_load = [v for v in seen.values() if v[0][0] == "2010-04"]
    assert sum(v[0][1]["start_date"] < date(2010, 4, 1) for v in first_load) > 800


def test_about_two_percent_of_referrals_arrive_a_month_late(landing: Landing):
    seen = versions(landing, "referrals")
    on_time = late = 0
    for history in seen.values():
        month, record = history[0]
        referred: date = record["referral_date"]  # type: ignore[assignment]
        if referred < date(2010, 4, 1):
            continue
        if f"{referred:%Y-%m}" == month:
            on_time += 1
        else:
            late += 1
    assert 0.01 <= late / (late + on_time) <= 0.04


def test_some_records_are_corrected_by_a_later_submission(landing: Landing):
    seen = versions(landing, "referrals")
    corrected = [
        v
        for v in seen.values()
        if len({(r["referral_date"], r["date_of_birth"]) for _, r in v}) > 1
    ]
    assert len(corrected) >= 20


def test_child_ids_are_stable_across_extracts(landing: Landing):
    referred = {r["child_id"] for v in versions(landing, "referrals").values() for _, r in v}
    planned = {r["child_id"] for v in versions(landing, "cp_plans").values() for _, r in v}
    assessed = {
        r["child_id"] for v in versions(landing, "initial_assessments").values() for _, r in v
    }
    assert len(assessed & referred) > 0.9 * len(assessed)
    assert len(planned & referred) > 0.5 * len(planned)


def test_allocations_point_at_case_holding_workers_of_the_same_month(landing: Landing):
    by_key = {(f.reporting_month, f.district_code, f.extract): f for f in landing.manifest.files}
    spoiled = {(b.reporting_month, b.district_code) for b in landing.manifest.bad_rows}
    checked_months = 0
    for (month, district, extract), landed in by_key.items():
        if extract != "allocations" or (month, district) in spoiled:
            continue
        staff = landing.checked[by_key[month, district, "workforce"].path].valid
        teams = landing.checked[by_key[month, district, "establishment"].path].valid
        holders = {r["worker_id"] for _, r in staff if r["case_holding"]}
        assert {r["team_code"] for _, r in staff} <= {r["team_code"] for _, r in teams}
        allocated = {r["worker_id"] for _, r in landing.checked[landed.path].valid}
        assert allocated - {None} <= holders, (month, district)
        checked_months += 1
    assert checked_months > 200
