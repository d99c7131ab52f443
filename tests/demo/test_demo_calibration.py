"""December 2011 for the county looks like the March 2012 committee report.

Figures are computed here from the landed files alone (valid rows, latest
version of each event record), following indicators.md, with working days from
numpy's business-day count over England's bank holidays.
"""

from __future__ import annotations

import holidays
import numpy as np
import pandas as pd
import pytest
from conftest import Landing

EVENTS = ("referrals", "initial_assessments", "core_assessments", "cp_plans", "looked_after")
ID = {
    "referrals": "referral_id",
    "initial_assessments": "assessment_id",
    "core_assessments": "assessment_id",
    "cp_plans": "plan_id",
    "looked_after": "period_id",
}
BANK = np.array(
    sorted(holidays.country_holidays("GB", subdiv="ENG", years=range(2005, 2014))),
    dtype="datetime64[D]",
)
DEC_END = pd.Timestamp("2011-12-31")


def wd(a: pd.Series, b: pd.Series | pd.Timestamp) -> np.ndarray:
    """Working days d with a < d <= b."""
    a64 = a.to_numpy(dtype="datetime64[D]") + np.timedelta64(1, "D")
    if isinstance(b, pd.Timestamp):
        b64 = np.full(len(a64), np.datetime64(b.date()) + np.timedelta64(1, "D"))
    else:
        b64 = b.to_numpy(dtype="datetime64[D]") + np.timedelta64(1, "D")
    return np.busday_count(a64, b64, holidays=BANK)


@pytest.fixture(scope="module")
def facts(landing: Landing) -> dict[str, pd.DataFrame]:
    return load_facts(landing)


def load_facts(landing: Landing) -> dict[str, pd.DataFrame]:
    """Event records (latest version wins) and December 2011's snapshots."""
    frames: dict[str, list[dict]] = {}
    for landed in sorted(landing.manifest.files, key=lambda f: f.reporting_month):
        checked = landing.checked.get(landed.path)
        if checked is None:
            continue
        if landed.extract in EVENTS or landed.reporting_month == "2011-12":
            for _, record in checked.valid:
                frames.setdefault(landed.extract, []).append(
                    {**record, "district": landed.district_code, "month": landed.reporting_month}
                )
    result = {}
    for extract, rows in frames.items():
        frame = pd.DataFrame(rows)
        for column in frame.columns:
            if column.endswith("_date") or column in ("date_of_birth", "unallocated_since"):
                frame[column] = pd.to_datetime(frame[column])
        if extract in EVENTS:
            frame = frame.drop_duplicates(["district", ID[extract]], keep="last")
        result[extract] = frame
    return result


@pytest.fixture(scope="module")
def population(landing: Landing) -> pd.DataFrame:
    return pd.read_csv(landing.root / "reference" / "population.csv")


def county_population(population: pd.DataFrame, year: int) -> int:
    return int(population.loc[population["year"] == year, "population_0_17"].sum())


def in_range(series: pd.Series, first: str, last: str) -> pd.Series:
    return (series >= pd.Timestamp(first)) & (series <= pd.Timestamp(last))


def test_referrals_per_10000_over_12_months_fell_to_about_631(facts, population):
    referred = facts["referrals"]["referral_date"]
    pop = county_population(population, 2011)
    to_december = in_range(referred, "2011-01-01", "2011-12-31").sum() / pop * 1e4
    to_november = in_range(referred, "2010-12-01", "2011-11-30").sum() / pop * 1e4
    assert 600 <= to_december <= 660
    assert 620 <= to_november <= 685
    assert to_november - to_december >= 8  # referrals falling over 2011


def test_initial_assessments_about_75_percent_within_7_working_days(facts):
    ia = facts["initial_assessments"]
    done = ia[in_range(ia["completed_date"], "2011-12-01", "2011-12-31")]
    share = (wd(done["referral_date"], done["completed_date"]) <= 7).mean() * 100
    assert 70 <= share <= 80


def test_a_few_dozen_initial_assessments_out_of_timescale_at_end_of_december(facts):
    ia = facts["initial_assessments"]
    open_ = ia[
        (ia["start_date"] <= DEC_END)
        & (ia["completed_date"].isna() | (ia["completed_date"] > DEC_END))
    ]
    out_of_time = int((wd(open_["referral_date"], DEC_END) > 7).sum())
    assert 5 <= out_of_time <= 60


def test_initial_assessments_year_to_date_about_526_per_10000(facts, population):
    ia = facts["initial_assessments"]
    completed = in_range(ia["completed_date"], "2011-04-01", "2011-12-31").sum()
    rate = completed / county_population(population, 2011) * 1e4 * 12 / 9
    assert 480 <= rate <= 570


def test_core_assessments_mostly_within_35_working_days(facts):
    ca = facts["core_assessments"]
    done = ca[in_range(ca["completed_date"], "2011-12-01", "2011-12-31")]
    share = (wd(done["start_date"], done["completed_date"]) <= 35).mean() * 100
    assert 65 <= share <= 88


def _open_children(frame: pd.DataFrame, day: pd.Timestamp) -> int:
    open_ = frame[
        (frame["start_date"] <= day) & (frame["end_date"].isna() | (frame["end_date"] > day))
    ]
    return int(open_.groupby("district")["child_id"].nunique().sum())


def test_child_protection_plans_fell_through_2011_and_looked_after_stayed_flat(facts):
    plans, care = facts["cp_plans"], facts["looked_after"]
    assert 1_000 <= _open_children(plans, DEC_END) <= 1_350
    assert _open_children(plans, pd.Timestamp("2011-01-31")) > _open_children(plans, DEC_END) + 80
    looked_after = [_open_children(care, pd.Timestamp(d)) for d in ("2011-01-31", "2011-12-31")]
    assert all(1_450 <= n <= 1_800 for n in looked_after)
    assert abs(looked_after[0] - looked_after[1]) < 150


def test_workforce_caseload_and_allocation_in_december(facts):
    staff = facts["workforce"]
    establishment = facts["establishment"]["establishment_fte"].sum()
    holders = staff[staff["case_holding"]]
    holding_fte = holders["fte"].sum()
    permanent = holders.loc[holders["employment_type"] == "permanent", "fte"].sum()
    agency = holders.loc[holders["employment_type"] == "agency", "fte"].sum()
    assert -1.0 <= (holding_fte - establishment) / establishment * 100 <= 3.5
    assert 86 <= permanent / establishment * 100 <= 92
    assert 8 <= agency / holding_fte * 100 <= 14

    allocations = facts["allocations"]
    fieldwork = holders[holders["team_type"] == "fieldwork"]
    keys = set(zip(fieldwork["district"], fieldwork["worker_id"], strict=True))
    held = sum(
        (d, w) in keys
        for d, w in zip(allocations["district"], allocations["worker_id"], strict=True)
    )
    assert 18.5 <= held / len(fieldwork) <= 22.5
    unallocated = allocations[allocations["worker_id"].isna()]
    waited = (DEC_END - unallocated["unallocated_since"]).dt.days > 28
    assert len(unallocated) <= 120 and waited.sum() <= 12


def test_districts_differ_enough_to_rank(facts, population):
    ia = facts["initial_assessments"]
    done = ia[in_range(ia["completed_date"], "2011-10-01", "2011-12-31")].copy()
    done["on_time"] = wd(done["referral_date"], done["completed_date"]) <= 7
    by_district = done.groupby("district")["on_time"].mean() * 100
    assert by_district.max() - by_district.min() >= 10
    referrals = facts["referrals"]
    year = referrals[in_range(referrals["referral_date"], "2011-01-01", "2011-12-31")]
    pop = population[population["year"] == 2011].set_index("district_code")["population_0_17"]
    rates = year.groupby("district").size() / pop * 1e4
    assert rates.max() / rates.min() >= 1.8
