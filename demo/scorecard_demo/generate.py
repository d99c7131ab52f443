"""``generate_landing``: simulate the county, then land each district's submissions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from . import faults, styles
from .districts import DISTRICTS, DistrictProfile, population, stand_ins
from .fan_out import County, land_county
from .made_up import made_up_districts
from .manifest import DemoManifest
from .records import DistrictWorld
from .reference import write_reference
from .simulate import assign_child_ids, simulate_district
from .submissions import EXTRACTS
from .workdays import WorkCalendar, add_months, month_end, month_range, month_start

BURN_IN_MONTHS = 24  # simulated before the first month, so open work already exists


def generate_landing(
    out_dir: Path,
    first_month: str = "2010-04",
    last_month: str = "2012-03",
    seed: int = 2012,
    districts: int | None = None,
    workers: int = 1,
) -> DemoManifest:
    """Write a realistic Kent landing folder into the empty ``out_dir``, or one of a
    made-up county of ``districts`` districts (see ``made_up``), landing ``workers``
    districts at once in worker processes.

    Same seed, months and districts, same bytes, however many workers: each step draws
    from its own random stream, seeded from ``seed`` and the step. Raises
    ``FileExistsError`` rather than mix demo files into a folder that already holds
    something.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise FileExistsError(f"{out_dir} is not an empty folder; the demo writes only into one")
    months = month_range(first_month, last_month)
    profiles = DISTRICTS if districts is None else made_up_districts(districts)
    worlds = _simulate_county(profiles, first_month, last_month, seed)

    out_dir.mkdir(parents=True, exist_ok=True)
    reference = write_reference(out_dir, months, profiles)
    plan = _plan_faults(months, profiles, seed)
    lander = land_county(County(out_dir, months, seed, plan, worlds), workers)
    lander.land_junk()
    return DemoManifest(
        out_dir=out_dir,
        seed=seed,
        first_month=first_month,
        last_month=last_month,
        districts=tuple(p.code for p in profiles),
        reference_files=reference,
        files=tuple(lander.files),
        bad_rows=tuple(lander.bad_rows),
        rejected_files=tuple(lander.rejected),
        junk_paths=tuple(lander.junk),
        quirks=tuple(lander.quirks),
    )


def _simulate_county(
    profiles: tuple[DistrictProfile, ...], first_month: str, last_month: str, seed: int
) -> list[DistrictWorld]:
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
        for index, profile in enumerate(profiles)
    ]
    assign_child_ids(worlds, np.random.default_rng([seed, 2]))
    return worlds


def _plan_faults(
    months: list[str], profiles: tuple[DistrictProfile, ...], seed: int
) -> faults.FaultPlan:
    """Which files get which faults, decided before any is written; a workbook cannot
    hold some faults (a ragged row), so the plan needs to know which files are workbooks."""
    is_workbook = {
        (m, p.code, x): styles.style_for(p.house_style, x, m).file_format == "xlsx"
        for m in months
        for p in profiles
        for x in EXTRACTS
    }
    codes = [p.code for p in profiles]
    rng = np.random.default_rng([seed, 5])
    return faults.plan_faults(months, codes, stand_ins(profiles), is_workbook, rng)
