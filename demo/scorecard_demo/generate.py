"""``generate_landing``: simulate Kent, then land one month of submissions at a time."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from . import faults, styles
from .districts import DISTRICTS, population
from .land import Lander
from .manifest import DemoManifest
from .records import DistrictWorld
from .reference import write_reference
from .simulate import assign_child_ids, simulate_district
from .submissions import EXTRACTS, event_histories
from .workdays import WorkCalendar, add_months, key_of, month_end, month_range, month_start
from .workforce import snapshots

BURN_IN_MONTHS = 24  # simulated before the first month, so open work already exists


def generate_landing(
    out_dir: Path,
    first_month: str = "2010-04",
    last_month: str = "2012-03",
    seed: int = 2012,
) -> DemoManifest:
    """Write a realistic Kent landing folder into the empty ``out_dir``.

    Same seed and months, same bytes: each step draws from its own random stream,
    seeded from ``seed`` and the step. Raises ``FileExistsError`` rather than mix
    demo files into a folder that already holds something.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise FileExistsError(f"{out_dir} is not an empty folder; the demo writes only into one")
    months = month_range(first_month, last_month)
    codes = [p.code for p in DISTRICTS]
    worlds = _simulate_county(first_month, last_month, seed)
    first_day = month_start(first_month).toordinal()
    histories = [
        event_histories(
            world,
            np.random.default_rng([seed, 3, i]),
            first_day,
            key_of(first_month),
            key_of(last_month),
        )
        for i, world in enumerate(worlds)
    ]
    snaps = [
        snapshots(world, months, np.random.default_rng([seed, 4, i]))
        for i, world in enumerate(worlds)
    ]

    out_dir.mkdir(parents=True, exist_ok=True)
    reference = write_reference(out_dir, months)
    plan = _plan_faults(months, codes, seed)
    lander = Lander(out_dir, plan, seed)
    for month_index, month in enumerate(months):
        for district_index, world in enumerate(worlds):
            lander.land_district(
                month,
                month_index == len(months) - 1,
                district_index,
                world,
                histories[district_index],
                snaps[district_index][month],
            )
    lander.land_junk()
    return DemoManifest(
        out_dir=out_dir,
        seed=seed,
        first_month=first_month,
        last_month=last_month,
        districts=tuple(codes),
        reference_files=reference,
        files=tuple(lander.files),
        bad_rows=tuple(lander.bad_rows),
        rejected_files=tuple(lander.rejected),
        junk_paths=tuple(lander.junk),
        quirks=tuple(lander.quirks),
    )


def _simulate_county(first_month: str, last_month: str, seed: int) -> list[DistrictWorld]:
    """Every district's history from two years before the first month (so open work
    already exists when the landing starts), with child ids unique county-wide."""
    sim_first = month_start(add_months(first_month, -BURN_IN_MONTHS)).toordinal()
    sim_last = month_end(last_month).toordinal()
    calendar = WorkCalendar(date.fromordinal(sim_first - 7), date.fromordinal(sim_last + 500))
    sim_years = range(date.fromordinal(sim_first).year, date.fromordinal(sim_last).year + 1)
    worlds = [
        simulate_district(
            profile,
            np.random.default_rng([seed, 1, index]),
            calendar,
            sim_first,
            sim_last,
            {year: population(profile, year) for year in sim_years},
        )
        for index, profile in enumerate(DISTRICTS)
    ]
    assign_child_ids(worlds, np.random.default_rng([seed, 2]))
    return worlds


def _plan_faults(months: list[str], codes: list[str], seed: int) -> faults.FaultPlan:
    """Which files get which faults, decided before any is written; a workbook cannot
    hold some faults (a ragged row), so the plan needs to know which files are workbooks."""
    is_workbook = {
        (m, c, x): styles.style_for(c, x, m).file_format == "xlsx"
        for m in months
        for c in codes
        for x in EXTRACTS
    }
    return faults.plan_faults(months, codes, is_workbook, np.random.default_rng([seed, 5]))
