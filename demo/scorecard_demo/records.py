"""What the simulation produces: one district's records as numpy arrays.

Day ordinals throughout (``NEVER`` = not happened); the code lists here are the
values the extracts carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from .districts import DistrictProfile

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
SOURCE_WEIGHTS = np.array([24, 18, 6, 7, 5, 12, 10, 3, 3, 4, 2, 6], dtype="float64")
CRU_SOURCE = "Police – Central Referral Unit"
CRU_LIVE = date(2012, 1, 23).toordinal()  # police referrals came through the CRU from then

CP_CATEGORIES = ("neglect", "emotional", "physical", "sexual", "multiple")
CP_WEIGHTS = np.array([45, 30, 10, 5, 10], dtype="float64")

LEGAL_STATUSES = (
    "V2 – Single period of accommodation under section 20",
    "C1 – Interim care order",
    "C2 – Full care order",
    "L2 – Emergency protection order",
    "J2 – Remanded to local authority accommodation",
)
V2, C1, C2, L2, J2 = range(5)

# Age in whole years of a newly referred child (0..17).
AGE_WEIGHTS = np.array([14] + [5] * 4 + [4.5] * 5 + [5.5] * 6 + [5] * 2, dtype="float64")


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

    profile: DistrictProfile
    dob: np.ndarray  # per local child; a future date while a child is unborn
    referrals: Referrals
    initial: Assessments
    core: Assessments
    plans: Plans
    care: CarePeriods
    cases: Cases
    child_ids: np.ndarray | None = None  # filled in county-wide (ids are unique county-wide)
