"""Periods of care and cases: the long-running work that follows a referral.

A child on a plan who comes into care is de-planned that day (the report's
"biggest gain"); every referral opens a case, or joins the child's open one,
which stays open while assessments, plans or care go on.

Over 300 lines on purpose: care periods and cases draw from one random stream in a
fixed order (the landings are byte-identical by seed), so they stay together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from . import districts as cfg
from .records import C1, C2, L2, V2, YEAR, Assessments, CarePeriods, Cases, Plans, Referrals
from .workdays import NEVER


def numbers(rng: np.random.Generator, order_days: np.ndarray, start: int) -> np.ndarray:
    """Ids that rise with creation date, with the odd gap a case system leaves."""
    count = len(order_days)
    steps = 1 + np.where(rng.random(count) < 0.03, rng.integers(1, 40, count), 0)
    ids = np.empty(count, dtype="int64")
    ids[np.argsort(order_days, kind="stable")] = start + np.cumsum(steps)
    return ids


def care_periods(
    profile: cfg.DistrictProfile,
    rng: np.random.Generator,
    first: int,
    last: int,
    dob: np.ndarray,
    plans: Plans,
    core: Assessments,
) -> tuple[CarePeriods, np.ndarray, np.ndarray]:
    """Periods of care since 1996; recent ones mostly for children already known.

    A child on a plan who comes into care is de-planned that day (the report's
    "biggest gain"). Returns the periods, the child birth dates extended with
    children first met in care, and for each period the referral whose case it
    extends (-1 for a child with no referral). The steps draw from ``rng`` in this
    order, so the same seed gives the same periods.
    """
    start, asylum, new_dob = _care_entries(profile, rng, last)
    child, episode = _known_children_in_care(rng, first, start, asylum, dob, plans, core)
    fresh = child < 0
    child[fresh] = len(dob) + np.arange(int(fresh.sum()))
    dob = np.concatenate([dob, new_dob[fresh]])
    end = _care_ends(rng, start, child, dob)
    status, status_day, new_status = _legal_statuses(rng, start, end, asylum)
    care = CarePeriods(
        child=child,
        start=start,
        end=end,
        status=status,
        status_day=status_day,
        new_status=new_status,
        number=numbers(rng, start, int(rng.integers(10_000, 40_000))),
    )
    return care, dob, episode


def _care_entries(
    profile: cfg.DistrictProfile, rng: np.random.Generator, last: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Days children came into care since 1996 (sorted), which of them are asylum-seeking
    teenagers, and the date of birth each child would have if new to the service.

    From 1996 so that the first reported month already holds long periods of care.
    """
    need = profile.need * cfg.NEED_SCALE
    since = date(1996, 1, 1).toordinal()
    per_month = cfg.LAC_ENTRIES * profile.population_2011 / 1e4 * need
    total = rng.poisson((per_month + 2.0 * profile.asylum) * (last - since) / 30.44)
    start = np.sort(rng.integers(since, last + 1, total))
    asylum_share = 2.0 * profile.asylum / (per_month + 2.0 * profile.asylum)
    asylum = rng.random(total) < asylum_share
    age_years = np.where(
        asylum,
        rng.integers(15, 17, total),
        rng.choice(17, size=total, p=_entry_age_weights()),
    )
    new_dob = start - (age_years * YEAR).astype("int64") - rng.integers(0, 365, total)
    return start, asylum, new_dob


def _known_children_in_care(
    rng: np.random.Generator,
    first: int,
    start: np.ndarray,
    asylum: np.ndarray,
    dob: np.ndarray,
    plans: Plans,
    core: Assessments,
) -> tuple[np.ndarray, np.ndarray]:
    """Which known child each period is for (-1: a child new to the service), and the
    referral whose case it extends.

    Some periods take a child on a plan, whose plan then ends that day (``plans.end`` is
    updated); others a child assessed in the last six months. Only from a year into the
    simulation, once there are plans and assessments to draw on.
    """
    total = len(start)
    child = np.full(total, -1, dtype="int64")
    episode = np.full(total, -1, dtype="int64")
    link_from = first + 365  # plans and assessments exist from here on
    linked_plan = np.zeros(len(plans.start), dtype=bool)
    plan_end = plans.end.copy()
    choice = rng.random(total)
    for i in np.flatnonzero((start >= link_from) & ~asylum & (choice < 0.55)):
        day = start[i]
        if choice[i] < 0.30:
            pool = np.flatnonzero(
                (plans.start <= day)
                & (plan_end > day)
                & ~linked_plan
                & (day - dob[plans.child] < 17 * YEAR)
            )
            if len(pool):
                pick = pool[rng.integers(len(pool))]
                linked_plan[pick] = True
                plan_end[pick] = day
                child[i], episode[i] = plans.child[pick], plans.referral[pick]
                continue
        pool = np.flatnonzero(
            (core.start <= day) & (core.start > day - 180) & (day - dob[core.child] < 17 * YEAR)
        )
        if len(pool):
            pick = pool[rng.integers(len(pool))]
            child[i], episode[i] = core.child[pick], core.referral[pick]
    plans.end[:] = plan_end
    return child, episode


def _care_ends(
    rng: np.random.Generator, start: np.ndarray, child: np.ndarray, dob: np.ndarray
) -> np.ndarray:
    """End of each period: a quarter short (days to months), the rest years long, and
    none past the child's 18th birthday."""
    total = len(start)
    short = rng.random(total) < 0.25
    length = np.where(short, rng.integers(5, 120, total), rng.exponential(1000.0, total))
    adult = (dob[child] + 18 * YEAR).astype("int64")
    return np.maximum(np.minimum(start + length.astype("int64"), adult), start + 1)


def _legal_statuses(
    rng: np.random.Generator, start: np.ndarray, end: np.ndarray, asylum: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Legal status at the start of each period, and the day (``NEVER`` if none before the
    period ends) it changed to a new one: most interim orders become full care orders,
    an emergency protection order becomes an interim order after eight days, and a few
    voluntary placements go to court."""
    total = len(start)
    status = np.where(asylum, V2, rng.choice(5, size=total, p=[0.50, 0.36, 0.10, 0.0, 0.04]))
    status_day = np.full(total, NEVER, dtype="int64")
    new_status = status.copy()
    to_full = (status == C1) & (rng.random(total) < 0.85)
    status_day = np.where(to_full, start + rng.integers(90, 300, total), status_day)
    new_status = np.where(to_full, C2, new_status)
    emergency = status == L2
    status_day = np.where(emergency, start + 8, status_day)
    new_status = np.where(emergency, C1, new_status)
    voluntary = (status == V2) & ~asylum & (rng.random(total) < 0.10)
    status_day = np.where(voluntary, start + rng.integers(60, 200, total), status_day)
    new_status = np.where(voluntary, C1, new_status)
    changed = status_day < end
    status_day = np.where(changed, status_day, NEVER)
    new_status = np.where(changed, new_status, status)
    return status, status_day, new_status


def _entry_age_weights() -> np.ndarray:
    weights = np.array([20.0] + [3.75] * 4 + [4.0] * 5 + [5.0] * 4 + [8.0] * 3)
    return weights / weights.sum()


def cases(
    profile: cfg.DistrictProfile,
    rng: np.random.Generator,
    referrals: Referrals,
    initial: Assessments,
    core: Assessments,
    plans: Plans,
    care: CarePeriods,
    dob: np.ndarray,
    lac_episode: np.ndarray,
) -> Cases:
    """One case per episode of work; a child referred while open joins the open case.

    The steps draw from ``rng`` in this order, so the same seed gives the same cases.
    """
    end, disabled, assessed = _episode_ends(
        rng, referrals, initial, core, plans, care, dob, lac_episode
    )
    merged = _merge_open_episodes(referrals, end, disabled, assessed)

    # Children first met in care have a case for their period of care.
    unknown = lac_episode < 0
    start = np.concatenate([np.array(merged.starts, dtype="int64"), care.start[unknown]])
    close = np.concatenate(
        [
            np.array(merged.closes, dtype="int64"),
            care.end[unknown] + rng.integers(0, 30, int(unknown.sum())),
        ]
    )
    child = np.concatenate([np.array(merged.children, dtype="int64"), care.child[unknown]])
    disabled_case = np.concatenate([np.array(merged.disabled), np.zeros(int(unknown.sum()), bool)])
    assessed_case = np.concatenate([np.array(merged.assessed), np.ones(int(unknown.sum()), bool)])
    from_referral = np.concatenate(
        [np.ones(len(merged.starts), bool), np.zeros(int(unknown.sum()), bool)]
    )
    wait = _allocation_waits(profile, rng, start, from_referral)
    return Cases(
        child=child,
        start=start,
        close=close,
        allocated=start + wait,
        disabled=disabled_case,
        assessed=assessed_case,
        number=numbers(rng, start, int(rng.integers(100_000, 400_000))),
    )


def _episode_ends(
    rng: np.random.Generator,
    referrals: Referrals,
    initial: Assessments,
    core: Assessments,
    plans: Plans,
    care: CarePeriods,
    dob: np.ndarray,
    lac_episode: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """When the work started by each referral ends, and whether the disabled children's
    team held it or it had a core assessment.

    Each further step (an initial assessment, a core one, a plan, a period of care) sets
    or extends when the work closes, so a child in need, on a plan or in care keeps the
    case open; none stays open past the child's 18th birthday.
    """
    n_ref = len(referrals.day)
    end = referrals.day + rng.integers(0, 8, n_ref)  # no further action
    disabled = np.zeros(n_ref, dtype=bool)
    assessed = np.zeros(n_ref, dtype=bool)

    cin = rng.random(len(initial.start)) < 0.30
    after_ia = initial.completed + np.where(
        cin, rng.exponential(110.0, len(cin)), rng.integers(0, 15, len(cin))
    ).astype("int64")
    end[initial.referral] = after_ia

    n_ca = len(core.start)
    cin = rng.random(n_ca) < 0.70
    dis = cin & (rng.random(n_ca) < 0.07)
    stay = np.where(cin, rng.exponential(190.0, n_ca), rng.integers(0, 22, n_ca))
    stay = stay + np.where(dis, rng.exponential(700.0, n_ca), 0)
    end[core.referral] = core.completed + stay.astype("int64")
    disabled[core.referral] = dis
    assessed[core.referral] = True

    n_cp = len(plans.start)
    step_down = np.where(
        rng.random(n_cp) < 0.8, rng.exponential(110.0, n_cp), rng.integers(0, 15, n_cp)
    ).astype("int64")
    np.maximum.at(end, plans.referral, plans.end + step_down)

    linked = lac_episode >= 0
    np.maximum.at(end, lac_episode[linked], care.end[linked] + rng.integers(0, 30, linked.sum()))

    adult = (dob[referrals.child] + 18 * YEAR).astype("int64")
    end = np.maximum(np.minimum(end, adult), referrals.day + 1)
    return end, disabled, assessed


@dataclass
class _MergedEpisodes:
    """One entry per case made of referrals' episodes: start, close, child, flags."""

    starts: list[int]
    closes: list[int]
    children: list[int]
    disabled: list[bool]
    assessed: list[bool]


def _merge_open_episodes(
    referrals: Referrals, end: np.ndarray, disabled: np.ndarray, assessed: np.ndarray
) -> _MergedEpisodes:
    """A child referred again while their case is open joins it rather than opening
    another: a council holds one case per child at a time."""
    merged = _MergedEpisodes([], [], [], [], [])
    last_child, current = -1, -1
    for i in np.lexsort((referrals.day, referrals.child)).tolist():
        child = int(referrals.child[i])
        day = int(referrals.day[i])
        if child == last_child and day <= merged.closes[current]:
            merged.closes[current] = max(merged.closes[current], int(end[i]))
            merged.disabled[current] |= bool(disabled[i])
            merged.assessed[current] |= bool(assessed[i])
        else:
            current = len(merged.starts)
            merged.starts.append(day)
            merged.closes.append(int(end[i]))
            merged.disabled.append(bool(disabled[i]))
            merged.assessed.append(bool(assessed[i]))
            merged.children.append(child)
            last_child = child
    return merged


def _allocation_waits(
    profile: cfg.DistrictProfile,
    rng: np.random.Generator,
    start: np.ndarray,
    from_referral: np.ndarray,
) -> np.ndarray:
    """Days each case waits for a worker: mostly the same day, sometimes weeks ("now
    rare"); a case opened by a period of care has its worker from the start."""
    n_case = len(start)
    slow_p = cfg.SLOW_ALLOCATION(start) * profile.slow_allocation
    very_slow_p = cfg.VERY_SLOW_ALLOCATION(start)
    draw = rng.random(n_case)
    wait = np.where(rng.random(n_case) < 0.75, 0, rng.integers(1, 4, n_case))
    wait = np.where(draw < slow_p, rng.integers(4, 29, n_case), wait)
    wait = np.where(draw < slow_p * very_slow_p, rng.integers(29, 75, n_case), wait)
    return np.where(from_referral, wait, 0)
