"""Simulate one district's children's social care, day by day.

A referral may lead to an initial assessment, that to a core assessment, that
to a child protection plan; children come into care, partly from plans; every
referral opens (or joins) a case that stays open while work goes on. Timescales
are drawn in working days so that the scorecard's measures come out as the
county trends in ``districts`` intend. The simulation starts two years before
the first reported month (looked-after periods much earlier), so the first
month already holds a realistic stock of open work.

Everything is numpy arrays of day ordinals; ``NEVER`` means "not (yet) happened".
"""

from __future__ import annotations

from datetime import date

import numpy as np

from . import districts as cfg
from .episodes import care_periods, cases, numbers
from .records import (
    AGE_WEIGHTS,
    CP_CATEGORIES,
    CP_WEIGHTS,
    CRU_LIVE,
    REFERRAL_SOURCES,
    SOURCE_WEIGHTS,
    YEAR,
    Assessments,
    DistrictWorld,
    Plans,
    Referrals,
)
from .workdays import WorkCalendar, month_key

MOVERS = 24  # children who move between Kent's districts and are referred again


def _resolve(pointer: np.ndarray) -> np.ndarray:
    """Follow ``pointer`` (each i points at some j <= i) to its root, vectorised."""
    while True:
        nxt = pointer[pointer]
        if np.array_equal(nxt, pointer):
            return pointer
        pointer = nxt


def _referral_days(
    profile: cfg.DistrictProfile,
    rng: np.random.Generator,
    cal: WorkCalendar,
    first: int,
    last: int,
    population: dict[int, int],
) -> np.ndarray:
    """Poisson referrals per day: county trend x season x weekday x district need."""
    days = np.arange(first, last + 1, dtype="int64")
    months = month_key(days)
    rate = cfg.REFERRAL_RATE(days) * cfg.REFERRAL_SEASON[months % 12]
    weight = np.where(cal.is_working(days), 1.0, cfg.WEEKEND_REFERRALS)
    slot = months - months.min()
    month_weight = np.bincount(slot, weights=weight)
    month_days = np.bincount(slot)
    years = months // 12
    pop = np.array([population.get(int(y), profile.population_2011) for y in years])
    expected = (
        pop
        / 1e4
        * profile.need
        * cfg.NEED_SCALE
        * rate
        / YEAR
        * weight
        * month_days[slot]
        / month_weight[slot]
    )
    return np.repeat(days, rng.poisson(expected))


def _ages(rng: np.random.Generator, count: int) -> np.ndarray:
    """Age in days at referral of a child new to the service."""
    years = rng.choice(len(AGE_WEIGHTS), size=count, p=AGE_WEIGHTS / AGE_WEIGHTS.sum())
    return (years * YEAR + rng.integers(0, 365, count)).astype("int64")


def _geometric_tail(rng: np.random.Generator, mean: np.ndarray) -> np.ndarray:
    """Extra working days (0, 1, 2, ...) with the given mean."""
    return rng.geometric(1.0 / (1.0 + mean)) - 1


def simulate_district(
    profile: cfg.DistrictProfile,
    rng: np.random.Generator,
    cal: WorkCalendar,
    first: int,
    last: int,
    population: dict[int, int],
) -> DistrictWorld:
    """Simulate from day ``first`` to ``last`` (ordinals) for one district.

    Each step follows the one before (a referral may lead to an initial assessment,
    that to a core assessment, that to a plan) and draws from ``rng`` in this order,
    so the same seed gives the same district.
    """
    referrals, dob = _referrals(profile, rng, cal, first, last, population)
    initial = _initial_assessments(profile, rng, cal, referrals)
    core = _core_assessments(profile, rng, cal, initial)
    plans = _plans(profile, rng, cal, core, dob)
    care, dob, lac_episode = care_periods(profile, rng, first, last, dob, plans, core)
    # cases: what the allocations snapshot lists
    found = cases(profile, rng, referrals, initial, core, plans, care, dob, lac_episode)
    return DistrictWorld(
        profile=profile,
        dob=dob,
        referrals=referrals,
        initial=initial,
        core=core,
        plans=plans,
        care=care,
        cases=found,
    )


def _referrals(
    profile: cfg.DistrictProfile,
    rng: np.random.Generator,
    cal: WorkCalendar,
    first: int,
    last: int,
    population: dict[int, int],
) -> tuple[Referrals, np.ndarray]:
    """Referrals and the children they are about (with each child's date of birth).

    Most referrals are of a child new to the service; the rest return a child referred
    a few months to years before, so that re-referral rates look like a real county's.
    """
    ref_day = _referral_days(profile, rng, cal, first, last, population)
    n_ref = len(ref_day)
    is_new = rng.random(n_ref) < 0.72
    earlier = np.searchsorted(ref_day, ref_day - rng.integers(60, 900, n_ref), "right") - 1
    root = _resolve(np.where(is_new | (earlier < 0), np.arange(n_ref), earlier))
    unborn = rng.random(n_ref) < 0.025
    root_dob = np.where(unborn, ref_day + rng.integers(20, 200, n_ref), ref_day - _ages(rng, n_ref))
    # A child who has turned 17 is referred as a new person, never as a returning child.
    too_old = ref_day - root_dob[root] > 17 * YEAR
    root = np.where(too_old, np.arange(n_ref), root)
    roots, ref_child = np.unique(root, return_inverse=True)
    dob = root_dob[roots]
    source = rng.choice(len(REFERRAL_SOURCES), size=n_ref, p=SOURCE_WEIGHTS / SOURCE_WEIGHTS.sum())
    source = np.where((source == 0) & (ref_day >= CRU_LIVE), -1, source)
    referrals = Referrals(
        day=ref_day,
        child=ref_child,
        source=source,
        number=numbers(rng, ref_day, int(rng.integers(100_000, 300_000))),
    )
    return referrals, dob


def _initial_assessments(
    profile: cfg.DistrictProfile,
    rng: np.random.Generator,
    cal: WorkCalendar,
    referrals: Referrals,
) -> Assessments:
    """Initial assessments, their timescale counted from the referral: most on time
    (within 7 working days), the late ones with a tail that the county trend shortens."""
    ref_day, ref_child = referrals.day, referrals.child
    has_ia = rng.random(len(ref_day)) < cfg.IA_SHARE(ref_day)
    ia_ref = np.flatnonzero(has_ia)
    r_day = ref_day[ia_ref]
    n_ia = len(ia_ref)
    lag = rng.choice(3, size=n_ia, p=[0.55, 0.30, 0.15])
    ia_start = np.where(lag == 0, r_day, cal.add(r_day, lag))
    on_time = rng.random(n_ia) < np.clip(cfg.IA_ON_TIME(r_day) + profile.ia_timeliness, 0.2, 0.97)
    quick = rng.choice(np.arange(1, 8), size=n_ia, p=[0.05, 0.08, 0.12, 0.15, 0.18, 0.20, 0.22])
    slow = 8 + _geometric_tail(rng, cfg.IA_LATE_TAIL(r_day) * profile.ia_tail)
    ia_wd = np.maximum(np.where(on_time, quick, slow), lag)
    return Assessments(
        referral=ia_ref,
        child=ref_child[ia_ref],
        referral_day=r_day,
        start=ia_start,
        completed=cal.add(r_day, ia_wd),
        number=numbers(rng, ia_start, int(rng.integers(200_000, 400_000))),
    )


def _core_assessments(
    profile: cfg.DistrictProfile,
    rng: np.random.Generator,
    cal: WorkCalendar,
    initial: Assessments,
) -> Assessments:
    """Core assessments, started after an initial one and their timescale counted from
    their own start: on time within 35 working days, else a tail beyond."""
    has_ca = rng.random(len(initial.start)) < cfg.CA_SHARE(initial.completed)
    ca_of = np.flatnonzero(has_ca)
    n_ca = len(ca_of)
    ca_start = cal.add(initial.completed[ca_of], rng.choice(4, size=n_ca))
    ca_on_time = rng.random(n_ca) < np.clip(
        cfg.CA_ON_TIME(ca_start) + profile.ca_timeliness, 0.2, 0.97
    )
    ca_quick = np.floor(rng.triangular(8, 30, 36, n_ca)).astype("int64")
    ca_slow = 36 + _geometric_tail(rng, cfg.CA_LATE_TAIL(ca_start))
    return Assessments(
        referral=initial.referral[ca_of],
        child=initial.child[ca_of],
        referral_day=initial.referral_day[ca_of],
        start=ca_start,
        completed=cal.add(ca_start, np.where(ca_on_time, ca_quick, ca_slow)),
        number=numbers(rng, ca_start, int(rng.integers(100_000, 300_000))),
    )


def _plans(
    profile: cfg.DistrictProfile,
    rng: np.random.Generator,
    cal: WorkCalendar,
    core: Assessments,
    dob: np.ndarray,
) -> Plans:
    """Child protection plans from core assessments (more in needier districts), ended
    by their own length, by the county's de-planning drive, or at 18 at the latest."""
    need = profile.need * cfg.NEED_SCALE
    cp_share = cfg.CP_SHARE(core.start) * (0.85 + 0.15 * need)
    cp_of = np.flatnonzero(rng.random(len(core.start)) < cp_share)
    n_cp = len(cp_of)
    cp_child = core.child[cp_of]
    cp_start = cal.add(core.start[cp_of], rng.integers(10, 21, n_cp))
    cp_end = cp_start + rng.lognormal(np.log(cfg.CP_MEDIAN_DAYS), 0.6, n_cp).astype("int64")
    deplan_from = np.maximum(cp_start, date.fromisoformat(cfg.DEPLANNING_FROM).toordinal())
    deplanned = deplan_from + rng.exponential(cfg.DEPLANNING_MEAN_DAYS, n_cp).astype("int64")
    cp_end = np.minimum(cp_end, deplanned)
    adult = (dob[cp_child] + 18 * YEAR).astype("int64")
    cp_end = np.maximum(np.minimum(cp_end, adult), cp_start + 1)
    return Plans(
        referral=core.referral[cp_of],
        child=cp_child,
        start=cp_start,
        end=cp_end,
        category=rng.choice(len(CP_CATEGORIES), size=n_cp, p=CP_WEIGHTS / CP_WEIGHTS.sum()),
        number=numbers(rng, cp_start, int(rng.integers(10_000, 40_000))),
    )


def assign_child_ids(worlds: list[DistrictWorld], rng: np.random.Generator) -> None:
    """Unique 7-digit ids county-wide; a few children move and are referred elsewhere.

    Seven digits and no other id with a run of seven digits: a raw child id found
    anywhere in the warehouse can only be a leak. A made-up county with more than nine
    million children (England, over ten years) has eight.
    """
    sizes = [len(world.dob) for world in worlds]
    lowest = 1_000_000 if sum(sizes) <= 9_000_000 else 10_000_000
    numbers = rng.choice(9 * lowest, size=sum(sizes), replace=False) + lowest
    offset = 0
    for world, size in zip(worlds, sizes, strict=True):
        world.child_ids = np.array([str(n) for n in numbers[offset : offset + size]], dtype=object)
        offset += size
    if len(worlds) < 2:
        return
    for _ in range(cfg.per_county(MOVERS, len(worlds))):
        to_index = int(rng.integers(len(worlds)))
        from_index = (to_index + 1 + int(rng.integers(len(worlds) - 1))) % len(worlds)
        to_world, from_world = worlds[to_index], worlds[from_index]
        ref = to_world.referrals
        children, first = np.unique(ref.child, return_index=True)
        arrival = ref.day[first]
        pick = int(rng.integers(len(children)))
        child, day = int(children[pick]), int(arrival[pick])
        last_seen = np.full(len(from_world.dob), -1, dtype="int64")
        np.maximum.at(last_seen, from_world.referrals.child, from_world.referrals.day)
        candidates = np.flatnonzero(
            (last_seen >= 0)
            & (last_seen < day - 120)
            & (np.abs(from_world.dob - to_world.dob[child]) < 730)
            & (day - from_world.dob < 17 * YEAR)
        )
        if len(candidates) == 0:
            continue
        source = int(candidates[int(rng.integers(len(candidates)))])
        to_world.child_ids[child] = from_world.child_ids[source]  # type: ignore[index]
        to_world.dob[child] = from_world.dob[source]
