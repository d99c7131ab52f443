"""Loading a landing into a working database the way the raw assets do, without Dagster.

``reference_files`` loads the reference files and the landing-level audit first, then
``district_extracts`` loads every month x listed district; this fixture does the same
through the same functions, in well under a second instead of a full build.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from orchestration import warehouse
from orchestration.catalogue import indicator_codes
from orchestration.dates import now_utc
from orchestration.loading.districts import scan_listed
from orchestration.loading.reference import load_reference
from orchestration.pseudonym import Pseudonymiser, load_key
from orchestration.recording.district_months import load_district_months
from orchestration.recording.reference import write_reference


def load_landing(landing: Path, work_db: Path, now: datetime | None = None) -> list[str]:
    """Load every reference file and district-month of ``landing``; return the districts."""
    now = now or now_utc()
    pseudonymiser = Pseudonymiser(load_key())
    listed = scan_listed(landing, now)
    load = load_reference(listed, indicator_codes(), now)
    scanned, districts = listed.landing, listed.districts
    with warehouse.connect(work_db) as con:
        write_reference(con, scanned, load, pseudonymiser, now)
        partitions = [(month, district) for month in scanned.months for district in districts]
        load_district_months(con, scanned, sorted(partitions), pseudonymiser, now)
    return districts


@pytest.fixture
def load_into():
    """``load_into(landing, work_db, now=None)``: the raw layer of a build, without Dagster."""
    return load_landing
