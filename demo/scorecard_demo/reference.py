"""The county performance team's reference files: districts, population, targets.

Targets follow the March 2012 committee report where it names them (referrals
533.1 per 10,000; 69% of initial assessments in 7 working days; at most 200 in
progress out of timescale county-wide; 415.4 initial assessments per 10,000 with
a tolerance the report's 526 sits within) and are plausible elsewhere. Rows
exercise every lookup rule: blank district (everyone), ALL (county only), a
district overriding the blank row, a blank tolerance, a neutral indicator with
a target.
"""

from __future__ import annotations

from pathlib import Path

from .districts import DistrictProfile, population, stand_ins
from .write import FileStyle, write_csv

# indicator, district_code, target 2010-11, target 2011-12, tolerance_pct ("" = blank)
TARGETS: tuple[tuple[str, str, float, float, str], ...] = (
    ("REF_RATE_12M", "", 560.0, 533.1, "10"),
    ("REF_RATE_12M", "THA", 760.0, 720.0, "10"),
    ("IA_7WD_PCT", "", 65.0, 69.0, "10"),
    ("IA_OOT_COUNT", "ALL", 250.0, 200.0, "10"),
    ("IA_OOT_COUNT", "", 20.0, 17.0, "20"),
    ("IA_OOT_COUNT", "MAI", 25.0, 22.0, "20"),
    ("IA_RATE_YTD", "", 450.0, 415.4, "30"),
    ("CA_35WD_PCT", "", 75.0, 80.0, "10"),
    ("CA_OOT_COUNT", "ALL", 120.0, 100.0, "10"),
    ("CA_OOT_COUNT", "", 10.0, 8.0, "25"),
    ("UNALLOC_28D_COUNT", "ALL", 20.0, 10.0, ""),
    ("UNALLOC_28D_COUNT", "", 2.0, 1.0, ""),
    ("CP_RATE", "", 40.0, 36.0, "10"),
    ("LAC_RATE", "", 48.0, 47.0, "5"),
    ("AGENCY_FTE_PCT", "", 12.0, 10.0, "20"),
    ("PERM_FILLED_PCT", "", 85.0, 90.0, "5"),
    ("AVG_CASELOAD", "", 20.0, 18.0, "15"),
    ("ESTAB_VARIANCE_PCT", "", 0.0, 0.0, ""),
)


def district_rows(profiles: tuple[DistrictProfile, ...]) -> list[list[object]]:
    return [[p.code, p.name] for p in profiles]


def population_rows(profiles: tuple[DistrictProfile, ...], years: list[int]) -> list[list[object]]:
    return [[p.code, year, population(p, year)] for p in profiles for year in years]


def financial_year(month: str) -> str:
    """`2012-03` -> `2011-12`."""
    year, mon = (int(part) for part in month.split("-"))
    start = year if mon >= 4 else year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def target_rows(financial_years: list[str], stand_in: dict[str, str]) -> list[list[object]]:
    """Every target for every year; a Kent district's own target goes to its stand-in
    (itself in Kent, the first district modelled on it in a made-up county), or is left
    out when the county has none."""
    rows: list[list[object]] = []
    for year in financial_years:
        later = int(year[:4]) >= 2011
        for code, district, before, after, tolerance in TARGETS:
            if district in ("", "ALL"):
                applies = district
            elif district in stand_in:
                applies = stand_in[district]
            else:
                continue
            rows.append([code, year, applies, after if later else before, tolerance])
    return rows


def write_reference(
    out_dir: Path, months: list[str], profiles: tuple[DistrictProfile, ...]
) -> tuple[str, ...]:
    """districts.csv, population.csv and targets.csv for the county of ``profiles``."""
    folder = out_dir / "reference"
    folder.mkdir()
    plain = FileStyle()
    years = sorted({int(m[:4]) for m in months})
    financial_years = sorted({financial_year(m) for m in months})
    stand_in = stand_ins(profiles)
    write_csv(
        folder / "districts.csv",
        ["district_code", "district_name"],
        district_rows(profiles),
        plain,
    )
    write_csv(
        folder / "population.csv",
        ["district_code", "year", "population_0_17"],
        [[c, str(y), str(p)] for c, y, p in population_rows(profiles, years)],
        plain,
    )
    write_csv(
        folder / "targets.csv",
        ["indicator_code", "financial_year", "district_code", "target", "tolerance_pct"],
        [[i, f, d, f"{t:g}", tol] for i, f, d, t, tol in target_rows(financial_years, stand_in)],
        plain,
    )
    return ("reference/districts.csv", "reference/population.csv", "reference/targets.csv")
