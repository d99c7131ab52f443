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

from dataclasses import dataclass
from datetime import date

import numpy as np

from . import districts as cfg
from .workdays import NEVER, WorkCalendar, month_key

YEAR = 365.25

REFERRAL_SOURCES = (
    "Police",
    "Schools",
    "Health – GP",
    "Health – hospital",
    "Health – other",
    "Local authority services",
    "Individual",
    "Anonymous",
    "Housing",
    "Other legal agency",
    "Early years – nursery or crèche",
    "Other",
)
_SOURCE_WEIGHTS = np.array([24, 18, 6, 7, 5, 12, 10, 3, 3, 4, 2, 6], dtype="float64")
CRU_SOURCE = "Police – Central Referral Unit"
CRU_LIVE = date(2012, 1, 23).toordinal()  # police referrals came through the CRU from then

CP_CATEGORIES = ("neglect", "emotional", "physical", "sexual", "multiple")
_CP_WEIGHTS = np.array([45, 30, 10, 5, 10], dtype="float64")

LEGAL_STATUSES = (
    "V2 – Single period of accommodation under section 20",
    "C1 – Interim care order",
    "C2 – Full care order",
    "L2 – Emergency protection order",
    "J2 – Remanded to local authority accommodation",
)
V2, C1, C2, L2, J2 = range(5)

# Age in whole years of a newly referred child (0..17).
_AGE_WEIGHTS = np.array([14] + [5] * 4 + [4.5] * 5 + [5.5] * 6 + [5] * 2, dtype="float64")


@dataclass
class Referrals:
    day: np.ndarray
    child: np.ndarray
    source: np.ndarray  # index into REFERRAL_SOURCES, or -1 for the CRU
    number: np.ndarray


@dataclass
class Assessments:
    referral: np.ndarray  # the referral (episode) it belongs to
    child: np.ndarray
    referral_day: np.ndarray
    start: np.ndarray
    completed: np.ndarray
    number: np.ndarray


@dataclass
class Plans:
    referral: np.ndarray
    child: np.ndarray
    start: np.ndarray
    end: np.ndarray
    category: np.ndarray
    number: np.ndarray


@dataclass
class CarePeriods:
    child: np.ndarray
    start: np.ndarray
    end: np.ndarray
    status: np.ndarray  # legal status at start
    status_day: np.ndarray  # day the legal status changed, NEVER if it did not
    new_status: np.ndarray
    number: np.ndarray


@dataclass
class Cases:
    child: np.ndarray
    start: np.ndarray
    close: np.ndarray
    allocated: np.ndarray  # first day a worker held the case
    disabled: np.ndarray  # held by the disabled children's team
    assessed: np.ndarray  # had a core assessment (adolescent team takes older ones)
    number: np.ndarray


@dataclass
class DistrictWorld:
    """Everything that happened in one district, as the simulation saw it."""

    profile: cfg.DistrictProfile
    dob: np.ndarray  # per local child; a future date while a child is unborn
    referrals: Referrals
    initial: Assessments
    core: Assessments
    plans: Plans
    care: CarePeriods
    cases: Cases
    child_ids: np.ndarray | None = None  # filled in county-wide (ids are unique county-wide)


def _numbers(rng: np.random.Generator, order_days: np.ndarray, start: int) -> np.ndarray:
    """Ids that rise with creation date, with the odd gap a case system leaves."""
    count = len(order_days)
    steps = 1 + np.where(rng.random(count) < 0.03, rng.integers(1, 40, count), 0)
    numbers = np.empty(count, dtype="int64")
    numbers[np.argsort(order_days, kind="stable")] = start + np.cumsum(steps)
    return numbers


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
    years = rng.choice(len(_AGE_WEIGHTS), size=count, p=_AGE_WEIGHTS / _AGE_WEIGHTS.sum())
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
    """Simulate from day ``first`` to ``last`` (ordinals) for one district."""
    need = profile.need * cfg.NEED_SCALE

    # --- referrals and the children they are about -------------------------------
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
    source = rng.choice(
        len(REFERRAL_SOURCES), size=n_ref, p=_SOURCE_WEIGHTS / _SOURCE_WEIGHTS.sum()
    )
    source = np.where((source == 0) & (ref_day >= CRU_LIVE), -1, source)
    referrals = Referrals(
        day=ref_day,
        child=ref_child,
        source=source,
        number=_numbers(rng, ref_day, int(rng.integers(100_000, 300_000))),
    )

    # --- initial assessments: timescale counted from the referral ----------------
    has_ia = rng.random(n_ref) < cfg.IA_SHARE(ref_day)
    ia_ref = np.flatnonzero(has_ia)
    r_day = ref_day[ia_ref]
    n_ia = len(ia_ref)
    lag = rng.choice(3, size=n_ia, p=[0.55, 0.30, 0.15])
    ia_start = np.where(lag == 0, r_day, cal.add(r_day, lag))
    on_time = rng.random(n_ia) < np.clip(cfg.IA_ON_TIME(r_day) + profile.ia_timeliness, 0.2, 0.97)
    quick = rng.choice(np.arange(1, 8), size=n_ia, p=[0.05, 0.08, 0.12, 0.15, 0.18, 0.20, 0.22])
    slow = 8 + _geometric_tail(rng, cfg.IA_LATE_TAIL(r_day) * profile.ia_tail)
    ia_wd = np.maximum(np.where(on_time, quick, slow), lag)
    initial = Assessments(
        referral=ia_ref,
        child=ref_child[ia_ref],
        referral_day=r_day,
        start=ia_start,
        completed=cal.add(r_day, ia_wd),
        number=_numbers(rng, ia_start, int(rng.integers(200_000, 400_000))),
    )

    # --- core assessments: timescale counted from their own start ----------------
    has_ca = rng.random(n_ia) < cfg.CA_SHARE(initial.completed)
    ca_of = np.flatnonzero(has_ca)
    n_ca = len(ca_of)
    ca_start = cal.add(initial.completed[ca_of], rng.choice(4, size=n_ca))
    ca_on_time = rng.random(n_ca) < np.clip(
        cfg.CA_ON_TIME(ca_start) + profile.ca_timeliness, 0.2, 0.97
    )
    ca_quick = np.floor(rng.triangular(8, 30, 36, n_ca)).astype("int64")
    ca_slow = 36 + _geometric_tail(rng, cfg.CA_LATE_TAIL(ca_start))
    core = Assessments(
        referral=ia_ref[ca_of],
        child=initial.child[ca_of],
        referral_day=r_day[ca_of],
        start=ca_start,
        completed=cal.add(ca_start, np.where(ca_on_time, ca_quick, ca_slow)),
        number=_numbers(rng, ca_start, int(rng.integers(100_000, 300_000))),
    )

    # --- child protection plans ---------------------------------------------------
    cp_share = cfg.CP_SHARE(core.start) * (0.85 + 0.15 * need)
    cp_of = np.flatnonzero(rng.random(n_ca) < cp_share)
    n_cp = len(cp_of)
    cp_child = core.child[cp_of]
    cp_start = cal.add(core.start[cp_of], rng.integers(10, 21, n_cp))
    cp_end = cp_start + rng.lognormal(np.log(cfg.CP_MEDIAN_DAYS), 0.6, n_cp).astype("int64")
    deplan_from = np.maximum(cp_start, date.fromisoformat(cfg.DEPLANNING_FROM).toordinal())
    deplanned = deplan_from + rng.exponential(cfg.DEPLANNING_MEAN_DAYS, n_cp).astype("int64")
    cp_end = np.minimum(cp_end, deplanned)
    adult = (dob[cp_child] + 18 * YEAR).astype("int64")
    cp_end = np.maximum(np.minimum(cp_end, adult), cp_start + 1)
    plans = Plans(
        referral=core.referral[cp_of],
        child=cp_child,
        start=cp_start,
        end=cp_end,
        category=rng.choice(len(CP_CATEGORIES), size=n_cp, p=_CP_WEIGHTS / _CP_WEIGHTS.sum()),
        number=_numbers(rng, cp_start, int(rng.integers(10_000, 40_000))),
    )

    # --- children coming into care ----------------------------------------------
    care, dob, lac_episode = _care_periods(profile, rng, first, last, dob, plans, core)

    # --- cases: what the allocations snapshot lists ------------------------------
    cases = _cases(profile, rng, referrals, initial, core, plans, care, dob, lac_episode)

    return DistrictWorld(
        profile=profile,
        dob=dob,
        referrals=referrals,
        initial=initial,
        core=core,
        plans=plans,
        care=care,
        cases=cases,
    )


def _care_periods(
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
    extends (-1 for a child with no referral).
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

    fresh = child < 0
    child[fresh] = len(dob) + np.arange(int(fresh.sum()))
    dob = np.concatenate([dob, new_dob[fresh]])

    short = rng.random(total) < 0.25
    length = np.where(short, rng.integers(5, 120, total), rng.exponential(1000.0, total))
    adult = (dob[child] + 18 * YEAR).astype("int64")
    end = np.maximum(np.minimum(start + length.astype("int64"), adult), start + 1)

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

    care = CarePeriods(
        child=child,
        start=start,
        end=end,
        status=status,
        status_day=status_day,
        new_status=new_status,
        number=_numbers(rng, start, int(rng.integers(10_000, 40_000))),
    )
    return care, dob, episode


def _entry_age_weights() -> np.ndarray:
    weights = np.array([20.0] + [3.75] * 4 + [4.0] * 5 + [5.0] * 4 + [8.0] * 3)
    return weights / weights.sum()


def _cases(
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
    """One case per episode of work; a child referred while open joins the open case."""
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

    # Merge episodes of the same child that overlap into one case.
    order = np.lexsort((referrals.day, referrals.child))
    case_of = np.empty(n_ref, dtype="int64")
    starts, closes, dis_any, ass_any, children = [], [], [], [], []
    last_child, current = -1, -1
    for i in order.tolist():
        child = int(referrals.child[i])
        day = int(referrals.day[i])
        if child == last_child and day <= closes[current]:
            closes[current] = max(closes[current], int(end[i]))
            dis_any[current] |= bool(disabled[i])
            ass_any[current] |= bool(assessed[i])
        else:
            current = len(starts)
            starts.append(day)
            closes.append(int(end[i]))
            dis_any.append(bool(disabled[i]))
            ass_any.append(bool(assessed[i]))
            children.append(child)
            last_child = child
        case_of[i] = current

    # Children first met in care have a case for their period of care.
    unknown = ~linked
    start = np.concatenate([np.array(starts, dtype="int64"), care.start[unknown]])
    close = np.concatenate(
        [
            np.array(closes, dtype="int64"),
            care.end[unknown] + rng.integers(0, 30, int(unknown.sum())),
        ]
    )
    child = np.concatenate([np.array(children, dtype="int64"), care.child[unknown]])
    disabled_case = np.concatenate([np.array(dis_any), np.zeros(int(unknown.sum()), bool)])
    assessed_case = np.concatenate([np.array(ass_any), np.ones(int(unknown.sum()), bool)])
    from_referral = np.concatenate([np.ones(len(starts), bool), np.zeros(int(unknown.sum()), bool)])

    # Waiting for a worker: mostly the same day, sometimes weeks ("now rare").
    n_case = len(start)
    slow_p = cfg.SLOW_ALLOCATION(start) * profile.slow_allocation
    very_slow_p = cfg.VERY_SLOW_ALLOCATION(start)
    draw = rng.random(n_case)
    wait = np.where(rng.random(n_case) < 0.75, 0, rng.integers(1, 4, n_case))
    wait = np.where(draw < slow_p, rng.integers(4, 29, n_case), wait)
    wait = np.where(draw < slow_p * very_slow_p, rng.integers(29, 75, n_case), wait)
    wait = np.where(from_referral, wait, 0)
    return Cases(
        child=child,
        start=start,
        close=close,
        allocated=start + wait,
        disabled=disabled_case,
        assessed=assessed_case,
        number=_numbers(rng, start, int(rng.integers(100_000, 400_000))),
    )
