"""Landing the districts one after another, or several at once in worker processes.

Once the county is simulated (child ids are county-wide, so that part comes first),
each district's files depend on nothing but its own history, the fault plan and its
own random streams: a district lands the same bytes in any process, in any order.
So a worker lands all of one district's months, and the manifest is put back in the
order the serial generator writes it (month by month, district by district).

Worker processes are forked where the system allows, so they share the simulated
county instead of receiving a copy.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import faults
from .land import Landed, Lander
from .records import DistrictWorld
from .submissions import event_histories
from .workdays import key_of, month_start
from .workforce import snapshots


@dataclass(frozen=True)
class County:
    """What every district's landing shares."""

    out_dir: Path
    months: list[str]
    seed: int
    plan: faults.FaultPlan
    worlds: list[DistrictWorld]


@dataclass
class DistrictLanding:
    by_month: list[Landed]  # manifest entries of each month, in month order
    draft_rows: list[list[object]]  # the district's first referrals worth a draft
    draft_month: str | None


def land_county(county: County, workers: int = 1) -> Lander:
    """Land every district's months; returns a Lander holding the whole manifest, in the
    serial order, with the county's first draft-worthy referrals for ``land_junk``."""
    indices = range(len(county.worlds))
    if workers <= 1 or len(indices) <= 1:
        landings = [land_district_months(county, index) for index in indices]
    else:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        with ProcessPoolExecutor(
            min(workers, len(indices)), context, initializer=_share, initargs=(county,)
        ) as pool:
            landings = list(pool.map(_land_shared, indices))
    lander = Lander(county.out_dir, county.plan, county.seed)
    for month_index in range(len(county.months)):
        for landing in landings:
            lander.add(landing.by_month[month_index])
    drafts = [(d.draft_month, i) for i, d in enumerate(landings) if d.draft_month is not None]
    if drafts:
        lander.draft_rows = landings[min(drafts)[1]].draft_rows
    return lander


def land_district_months(county: County, index: int) -> DistrictLanding:
    """District ``index``'s files for every month: its event histories and snapshots
    (each from its own random stream), then one month's folder at a time."""
    world, months, seed = county.worlds[index], county.months, county.seed
    history = event_histories(
        world,
        np.random.default_rng([seed, 3, index]),
        month_start(months[0]).toordinal(),
        key_of(months[0]),
        key_of(months[-1]),
    )
    snaps = snapshots(world, months, np.random.default_rng([seed, 4, index]))
    lander = Lander(county.out_dir, county.plan, seed)
    by_month = []
    for month_index, month in enumerate(months):
        last = month_index == len(months) - 1
        lander.land_district(month, last, index, world, history, snaps.pop(month))
        by_month.append(lander.take())
    return DistrictLanding(by_month, lander.draft_rows, lander.draft_month)


_shared: County | None = None  # a worker process's county, set once as it starts


def _share(county: County) -> None:
    global _shared
    _shared = county


def _land_shared(index: int) -> DistrictLanding:
    assert _shared is not None, "a worker starts with _share"
    return land_district_months(_shared, index)
