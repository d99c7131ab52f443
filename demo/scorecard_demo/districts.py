"""Kent's twelve districts and the county trends the demo is calibrated to.

Every number that shapes the figures lives here, so that tuning the demo to
look like the March 2012 committee report (referrals falling through 2011,
initial assessments ever more timely, child protection plans falling,
looked-after numbers flat) is a matter of editing one table. District profiles
differ on purpose, so that rankings and RAG colours vary between districts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np


@dataclass(frozen=True)
class DistrictProfile:
    """How one district differs from the county average."""

    code: str
    name: str
    population_2011: int  # children aged 0-17, mid-2011
    need: float  # relative intensity of referrals, plans and care (deprivation)
    ia_timeliness: float  # added to the county chance of a 7-working-day assessment
    ia_tail: float  # multiplier on how long late initial assessments drag on
    ca_timeliness: float  # added to the county chance of a 35-working-day core assessment
    slow_allocation: float  # multiplier on the chance a new case waits for a worker
    caseload: float  # caseload the district's fieldwork establishment is budgeted for
    over_establishment: float  # case-holding FTE above (+) or below (-) budget
    agency_share: float  # agency share of case-holding FTE
    adolescent_team: bool  # only some districts had a dedicated adolescent team
    lac_team_from: str  # first month of a dedicated looked-after children team
    asylum: float  # extra older children coming into care (ports of entry)
    house_style: str  # the Kent district whose case system's export this one's looks like


# One row per district. need: relative intensity of referrals, plans and care
# (deprivation); ia/ca: added to the county chance of an initial (core) assessment
# on time; tail: multiplier on how long late initial assessments drag on; slow:
# multiplier on the chance a new case waits for a worker; load: the caseload the
# fieldwork establishment is budgeted for; over/agcy: case-holding FTE above
# budget and agency share of it; ado: has an adolescent team; lac_from: first month
# of a dedicated looked-after team; asyl: older children arriving at the ports.
_TABLE = """
code    pop need    ia tail    ca slow load  over agcy ado lac_from asyl name
ASH  28_600 0.95 +0.03  0.9 +0.03  0.8 19.5 +0.02 0.09 yes 2000-01   0.4 Ashford
CAN  30_100 0.92 +0.05  0.8 +0.05  0.6 19.0 -0.01 0.07 no  2000-01   0.0 Canterbury
DAR  22_900 1.02 -0.02  1.1  0.00  1.2 21.5 +0.03 0.15 no  2011-06   0.0 Dartford
DOV  22_600 1.18 -0.06  1.4 -0.04  1.5 22.5 +0.04 0.18 yes 2000-01   1.0 Dover
GRA  24_800 1.12 +0.01  1.0 +0.02  1.0 20.5  0.00 0.12 no  2000-01   0.0 Gravesham
MAI  35_600 0.88 +0.02  0.9 +0.01  0.7 19.5 +0.01 0.08 yes 2000-01   0.0 Maidstone
SEV  26_000 0.62 +0.08  0.6 +0.06  0.5 17.5 -0.03 0.05 no  2012-02   0.0 Sevenoaks
SHE  22_200 1.22 -0.08  1.5 -0.06  1.6 23.0 +0.05 0.20 no  2000-01   0.6 Shepway
SWA  32_000 1.25 -0.03  1.2 -0.03  1.3 21.5 +0.02 0.14 yes 2000-01   0.0 Swale
THA  30_600 1.45 -0.05  1.3 -0.05  1.4 22.0 +0.03 0.16 no  2000-01   0.0 Thanet
TON  29_200 0.72 +0.06  0.7 +0.04  0.6 18.0 -0.04 0.06 no  2000-01   0.0 Tonbridge and Malling
TUN  26_100 0.66 +0.07  0.7 +0.05  0.5 18.0 -0.02 0.07 no  2000-01   0.0 Tunbridge Wells
"""


def _parse_table(text: str) -> tuple[DistrictProfile, ...]:
    lines = [line for line in text.strip().splitlines()[1:] if line.strip()]
    profiles = []
    for line in lines:
        cells = line.split(maxsplit=13)
        profiles.append(
            DistrictProfile(
                code=cells[0],
                population_2011=int(cells[1]),
                need=float(cells[2]),
                ia_timeliness=float(cells[3]),
                ia_tail=float(cells[4]),
                ca_timeliness=float(cells[5]),
                slow_allocation=float(cells[6]),
                caseload=float(cells[7]),
                over_establishment=float(cells[8]),
                agency_share=float(cells[9]),
                adolescent_team=cells[10] == "yes",
                lac_team_from=cells[11],
                asylum=float(cells[12]),
                name=cells[13],
                house_style=cells[0],
            )
        )
    return tuple(profiles)


DISTRICTS = _parse_table(_TABLE)


def stand_ins(profiles: tuple[DistrictProfile, ...]) -> dict[str, str]:
    """Kent code -> the district that takes its part where the demo names a Kent district
    (a fault, a target of its own): itself in Kent, the first modelled on it elsewhere."""
    found: dict[str, str] = {}
    for profile in profiles:
        found.setdefault(profile.house_style, profile.code)
    return found


def per_county(kent_count: int, districts: int) -> int:
    """A county-wide count set for Kent (bad rows a month, children who move away),
    grown with a larger county so that each district sees as many; never shrunk, so a
    small county still shows every kind."""
    return round(kent_count * max(1.0, districts / len(DISTRICTS)))


def _need_scale() -> float:
    """Normalise ``need`` so the county, weighted by children, averages 1."""
    total = sum(d.population_2011 for d in DISTRICTS)
    return total / sum(d.population_2011 * d.need for d in DISTRICTS)


NEED_SCALE = _need_scale()


class Trend:
    """A county-level quantity that moves linearly between dated knots (flat beyond)."""

    def __init__(self, *knots: tuple[str, float]) -> None:
        self.days = np.array([date.fromisoformat(day).toordinal() for day, _ in knots])
        self.values = np.array([value for _, value in knots], dtype="float64")

    def __call__(self, ordinals: np.ndarray) -> np.ndarray:
        return np.interp(np.asarray(ordinals, dtype="float64"), self.days, self.values)


# Referrals per 10,000 children per year (before seasonality). The report's 651.1
# (12 months to November 2011) and 631 (to December) imply December 2011 had about
# 660 fewer referrals than December 2010: a steady fall of ~20 a month through 2011.
REFERRAL_RATE = Trend(
    ("2008-04-15", 748.0),
    ("2010-04-15", 792.0),
    ("2010-11-15", 777.0),
    ("2011-12-15", 518.0),
    ("2012-03-15", 500.0),
)
# Relative referral volume by calendar month (school holidays and Christmas are quiet).
REFERRAL_SEASON = np.array([1.04, 1.02, 1.06, 0.97, 1.02, 1.03, 1.02, 0.86, 1.00, 1.03, 1.04, 0.91])
WEEKEND_REFERRALS = 0.3  # a weekend or bank holiday sees this share of a weekday's referrals

# Share of referrals that lead to an initial assessment.
IA_SHARE = Trend(("2008-04-01", 0.868), ("2012-03-31", 0.868))
# Chance an initial assessment is completed within 7 working days of referral.
IA_ON_TIME = Trend(
    ("2008-04-01", 0.50),
    ("2010-04-01", 0.55),
    ("2011-03-01", 0.67),
    ("2011-12-01", 0.765),
    ("2012-03-31", 0.78),
)
# Mean working days a late initial assessment runs past its eighth working day.
IA_LATE_TAIL = Trend(
    ("2008-04-01", 6.0),
    ("2010-04-01", 5.0),
    ("2011-03-01", 2.5),
    ("2011-12-01", 1.15),
    ("2012-03-31", 1.05),
)
# Core assessments stayed high as referrals fell ("still too high", said the deep dives).
CA_SHARE = Trend(("2008-04-01", 0.37), ("2010-12-01", 0.37), ("2011-12-01", 0.43))
# Chance a core assessment is completed within 35 working days (dip late in 2011).
CA_ON_TIME = Trend(
    ("2008-04-01", 0.65),
    ("2010-04-01", 0.70),
    ("2011-03-01", 0.78),
    ("2011-09-01", 0.83),
    ("2011-10-20", 0.74),
    ("2011-12-01", 0.77),
    ("2012-01-15", 0.84),
)
CA_LATE_TAIL = Trend(("2008-04-01", 12.0), ("2011-06-01", 8.0), ("2012-03-31", 6.0))
# Share of core assessments that lead to a plan: fewer, more serious assessments
# reached conference, yet plans fell as children were de-planned sooner.
CP_SHARE = Trend(
    ("2008-04-01", 0.175),
    ("2010-10-01", 0.175),
    ("2011-12-01", 0.20),
)
CP_MEDIAN_DAYS = 330.0
# From early 2011 plans were reviewed and children de-planned sooner.
DEPLANNING_FROM = "2011-02-01"
DEPLANNING_MEAN_DAYS = 2000.0
# Children coming into care per month per 10,000 children (before ``need``).
LAC_ENTRIES = 2.25
# Chance a new case waits more than a few days for a worker (falling: "now rare").
SLOW_ALLOCATION = Trend(("2008-04-01", 0.09), ("2011-03-01", 0.07), ("2012-01-31", 0.035))
VERY_SLOW_ALLOCATION = Trend(("2008-04-01", 0.15), ("2011-03-01", 0.08), ("2011-10-31", 0.02))
# County drift of staffing on top of each district's profile.
OVER_ESTABLISHMENT = Trend(
    ("2010-04-01", 0.035), ("2011-03-01", 0.02), ("2011-12-01", 0.0), ("2012-01-20", 0.012)
)
AGENCY_DRIFT = Trend(("2010-04-01", 0.025), ("2011-12-01", 0.005))
# Fieldwork caseloads were budgeted higher before the 2011-12 financial year.
CASELOAD_DRIFT = Trend(("2010-04-01", 4.0), ("2011-04-01", 2.2), ("2012-03-31", 1.7))


def population(profile: DistrictProfile, year: int) -> int:
    """Mid-year estimate of children aged 0-17: slow growth, faster where need is high."""
    growth = 0.0035 + 0.004 * (profile.need - 1.0)
    return round(profile.population_2011 * (1.0 + growth) ** (year - 2011) / 10) * 10
