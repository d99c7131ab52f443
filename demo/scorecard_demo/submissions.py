"""From simulated history to monthly submissions: which rows each file holds.

Event extracts follow extracts.md: a record is sent in every month it is created
or changed, showing its state at that month's end (an initial assessment started
in March and completed in April is in March's file with a blank completed_date
and in April's with it). The first month is a full load of everything still open.
About 2% of versions arrive a month late; now and then a later month corrects a
record sent wrongly before. Snapshot extracts describe the last day of the month.

Rows hold typed cells (``str``, ``date``, ``float``, ``bool`` or ``None``); how a
cell is spelt in a file is ``write``'s business.

Over 300 lines on purpose: every extract's monthly file is cut from the same
simulated history here, so the rules of what a month's file holds sit side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import numpy as np

from .records import (
    CP_CATEGORIES,
    CRU_SOURCE,
    LEGAL_STATUSES,
    REFERRAL_SOURCES,
    Assessments,
    CarePeriods,
    DistrictWorld,
    Plans,
    Referrals,
)
from .workdays import NEVER, month_key
from .workforce import Snapshot

EXTRACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "referrals": ("referral_id", "child_id", "referral_date", "referral_source", "date_of_birth"),
    "initial_assessments": (
        "assessment_id",
        "child_id",
        "referral_date",
        "start_date",
        "completed_date",
    ),
    "core_assessments": ("assessment_id", "child_id", "start_date", "completed_date"),
    "cp_plans": ("plan_id", "child_id", "start_date", "end_date", "category"),
    "looked_after": ("period_id", "child_id", "start_date", "end_date", "legal_status"),
    "allocations": ("case_id", "child_id", "case_start_date", "worker_id", "unallocated_since"),
    "workforce": (
        "worker_id",
        "team_code",
        "team_type",
        "case_holding",
        "employment_type",
        "fte",
    ),
    "establishment": ("team_code", "team_type", "establishment_fte"),
}
EVENT_EXTRACTS = (
    "referrals",
    "initial_assessments",
    "core_assessments",
    "cp_plans",
    "looked_after",
)
SNAPSHOT_EXTRACTS = ("allocations", "workforce", "establishment")
EXTRACTS = EVENT_EXTRACTS + SNAPSHOT_EXTRACTS
LATE_SHARE = 0.02  # versions that arrive in the next month's submission instead

Row = list[object]

_DATES: dict[int, date] = {}


def as_date(day: int) -> date:
    """Day ordinal to ``date``, cached: the same few thousand days recur constantly."""
    found = _DATES.get(day)
    if found is None:
        found = _DATES[day] = date.fromordinal(day)
    return found


def _seen(day: int, end: int) -> date | None:
    """A date as known on day ``end``: blank if it has not happened yet."""
    return as_date(day) if day <= end else None


@dataclass
class EventHistory:
    """One event extract of one district: who is sent when, and how each reads."""

    extract: str
    members: dict[int, np.ndarray]  # month key -> record indices sent that month
    render: Callable[[np.ndarray, int], list[Row]]
    number: np.ndarray  # record id numbers: files list records in id order

    def rows(self, records: np.ndarray, end: int) -> tuple[list[Row], list[int]]:
        records = records[np.argsort(self.number[records], kind="stable")]
        return self.render(records, end), records.tolist()


class SendWindow(NamedTuple):
    """The months being landed: the first day and month key, and the last month key."""

    first_day: int
    first_key: int
    last_key: int


def _members(
    rng: np.random.Generator,
    changes: list[np.ndarray],
    open_until: np.ndarray,
    window: SendWindow,
) -> dict[int, np.ndarray]:
    """Month keys in which each record is sent: each change (a few late) plus the first load."""
    first_day, first_key, last_key = window
    records: list[np.ndarray] = []
    keys: list[np.ndarray] = []
    count = len(changes[0])
    for change in changes:
        late = rng.random(count) < LATE_SHARE
        key = month_key(np.minimum(change, NEVER - 1)) + late
        sent = (change >= first_day) & (change < NEVER) & (key <= last_key)
        records.append(np.flatnonzero(sent))
        keys.append(key[sent])
    first_load = (changes[0] < first_day) & (open_until >= first_day)
    records.append(np.flatnonzero(first_load))
    keys.append(np.full(int(first_load.sum()), first_key))
    all_records = np.concatenate(records)
    all_keys = np.concatenate(keys)
    return {
        int(key): np.unique(all_records[all_keys == key]) for key in np.unique(all_keys).tolist()
    }


def _add(members: dict[int, np.ndarray], records: np.ndarray, keys: np.ndarray) -> None:
    for key in np.unique(keys).tolist():
        extra = records[keys == key]
        members[key] = np.union1d(members.get(key, np.empty(0, "int64")), extra)


def event_histories(
    world: DistrictWorld,
    rng: np.random.Generator,
    first_day: int,
    first_key: int,
    last_key: int,
) -> dict[str, EventHistory]:
    """The five event extracts of one district.

    Each extract draws from ``rng`` in turn, always in this order, so that the same
    seed sends the same versions of the same records.
    """
    ids = world.child_ids
    assert ids is not None, "child ids are assigned county-wide before rendering"
    window = SendWindow(first_day, first_key, last_key)
    histories = [
        _referral_history(world, ids, rng, window),
        _assessment_history("initial_assessments", world.initial, "IA", ids, rng, window),
        _assessment_history("core_assessments", world.core, "CA", ids, rng, window),
        _plan_history(world.plans, ids, rng, window),
        _care_history(world.care, ids, rng, window),
    ]
    return {history.extract: history for history in histories}


@dataclass
class _ReferralCorrections:
    """Referrals first sent wrong and corrected in a later month (``fixed_key``, else -1):
    until then they show ``shown_day`` and ``shown_dob`` instead of the true dates."""

    fixed_key: np.ndarray
    shown_day: np.ndarray
    shown_dob: np.ndarray
    corrected: np.ndarray


def _referral_corrections(
    ref: Referrals, dob: np.ndarray, rng: np.random.Generator, window: SendWindow
) -> _ReferralCorrections:
    """The odd referral (0.4%) sent with a wrong referral_date or date of birth, put right
    a month or two later: the pipeline must keep the latest version of a record."""
    n_ref = len(ref.day)
    corrected = (rng.random(n_ref) < 0.004) & (ref.day >= window.first_day)
    fixed_key = month_key(ref.day) + rng.integers(1, 3, n_ref)
    corrected &= fixed_key <= window.last_key
    fixed_key = np.where(corrected, fixed_key, -1)
    wrong_dob = corrected & (rng.random(n_ref) < 0.5) & (dob[ref.child] < ref.day)
    shown_day = np.where(corrected & ~wrong_dob, ref.day - rng.integers(1, 6, n_ref), ref.day)
    shown_dob = np.where(wrong_dob, dob[ref.child] - 365, dob[ref.child])
    return _ReferralCorrections(fixed_key, shown_day, shown_dob, corrected)


def _referral_history(
    world: DistrictWorld, ids: np.ndarray, rng: np.random.Generator, window: SendWindow
) -> EventHistory:
    """Referrals: sent when made, and again in the month a wrong one is corrected."""
    ref = world.referrals
    dob = world.dob
    members = _members(rng, [ref.day], ref.day, window)
    fix = _referral_corrections(ref, dob, rng, window)
    _add(members, np.flatnonzero(fix.corrected), fix.fixed_key[fix.corrected])
    sources = [*REFERRAL_SOURCES]

    def referrals(records: np.ndarray, end: int) -> list[Row]:
        key = month_key(np.array([end]))[0]
        rows: list[Row] = []
        for r in records.tolist():
            stale = key < fix.fixed_key[r]
            day = fix.shown_day[r] if stale else ref.day[r]
            born = fix.shown_dob[r] if stale else dob[ref.child[r]]
            source = sources[ref.source[r]] if ref.source[r] >= 0 else CRU_SOURCE
            rows.append(
                [
                    f"R{ref.number[r]:06d}",
                    ids[ref.child[r]],
                    as_date(int(day)),
                    source,
                    _seen(int(born), end),
                ]
            )
        return rows

    return EventHistory("referrals", members, referrals, ref.number)


def _assessment_history(
    extract: str,
    a: Assessments,
    prefix: str,
    ids: np.ndarray,
    rng: np.random.Generator,
    window: SendWindow,
) -> EventHistory:
    """Initial or core assessments: sent when started and when completed (an initial
    assessment also carries its referral's date)."""
    members = _members(rng, [a.start, a.completed], a.completed, window)

    def render(records: np.ndarray, end: int) -> list[Row]:
        rows: list[Row] = []
        for r in records.tolist():
            row: Row = [f"{prefix}{a.number[r]:06d}", ids[a.child[r]]]
            if extract == "initial_assessments":
                row.append(as_date(int(a.referral_day[r])))
            row += [as_date(int(a.start[r])), _seen(int(a.completed[r]), end)]
            rows.append(row)
        return rows

    return EventHistory(extract, members, render, a.number)


def _plan_history(
    p: Plans, ids: np.ndarray, rng: np.random.Generator, window: SendWindow
) -> EventHistory:
    """Child protection plans: sent when they start and when they end, and 1% sent first
    under a wrong category and re-categorised a month or two later."""
    members = _members(rng, [p.start, p.end], p.end, window)
    n_cp = len(p.start)
    recat = (rng.random(n_cp) < 0.01) & (p.start >= window.first_day)
    recat_key = month_key(p.start) + rng.integers(1, 3, n_cp)
    recat &= (recat_key <= window.last_key) & (p.end > month_end_of(recat_key))
    recat_key = np.where(recat, recat_key, -1)
    wrong_category = (p.category + rng.integers(1, len(CP_CATEGORIES), n_cp)) % len(CP_CATEGORIES)
    _add(members, np.flatnonzero(recat), recat_key[recat])

    def plans(records: np.ndarray, end: int) -> list[Row]:
        key = month_key(np.array([end]))[0]
        rows: list[Row] = []
        for r in records.tolist():
            category = wrong_category[r] if key < recat_key[r] else p.category[r]
            rows.append(
                [
                    f"CP{p.number[r]:05d}",
                    ids[p.child[r]],
                    as_date(int(p.start[r])),
                    _seen(int(p.end[r]), end),
                    CP_CATEGORIES[category],
                ]
            )
        return rows

    return EventHistory("cp_plans", members, plans, p.number)


def _care_history(
    c: CarePeriods, ids: np.ndarray, rng: np.random.Generator, window: SendWindow
) -> EventHistory:
    """Periods of care: sent at start, when the legal status changes and at the end."""
    members = _members(rng, [c.start, c.status_day, c.end], c.end, window)

    def care(records: np.ndarray, end: int) -> list[Row]:
        rows: list[Row] = []
        for r in records.tolist():
            status = c.new_status[r] if c.status_day[r] <= end else c.status[r]
            rows.append(
                [
                    f"LA{c.number[r]:05d}",
                    ids[c.child[r]],
                    as_date(int(c.start[r])),
                    _seen(int(c.end[r]), end),
                    LEGAL_STATUSES[status],
                ]
            )
        return rows

    return EventHistory("looked_after", members, care, c.number)


def month_end_of(keys: np.ndarray) -> np.ndarray:
    """Last day (ordinal) of each month key."""
    keys = np.asarray(keys, dtype="int64")
    nxt = (keys + 1 - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]")
    return nxt.astype("int64") + date(1970, 1, 1).toordinal() - 1


def snapshot_rows(world: DistrictWorld, snapshot: Snapshot, extract: str) -> list[Row]:
    """Rows of one snapshot extract for one month."""
    ids = world.child_ids
    assert ids is not None
    if extract == "establishment":
        return [[team.code, team.team_type, fte] for team, fte in snapshot.establishment]
    if extract == "workforce":
        return [
            [
                w.worker_id,
                w.team.code,
                w.team.team_type,
                w.case_holding,
                "agency" if w.agency else "permanent",
                w.fte,
            ]
            for w in sorted(snapshot.workforce, key=lambda w: w.worker_id)
        ]
    cases = world.cases
    return [
        [
            f"C{cases.number[case]:06d}",
            ids[cases.child[case]],
            as_date(int(cases.start[case])),
            worker,
            None if since is None else as_date(since),
        ]
        for case, worker, since in snapshot.allocations
    ]
