"""districts.csv judged by its contract, and the landing scanned for the districts it lists.

The landing is read in two passes, because the district folders that count are the
ones districts.csv lists: a first look finds the reference files, districts.csv is
judged, then the scan is made again with its codes. The CLI, the landing sensor and
the reference assets all look at the landing through ``scan_listed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from contracts.registry import REFERENCE_FILES
from orchestration.dates import now_utc
from orchestration.landing import Landing, scan_landing
from orchestration.loading.files import load_file
from orchestration.loading.load import FileLoad


class DistrictsUnavailable(Exception):
    """districts.csv is missing or rejected whole: nothing can be published."""


def load_districts(landing: Landing, now: datetime) -> FileLoad:
    """districts.csv's load; DistrictsUnavailable if it is missing or rejected whole."""
    files = {landed.extract: landed for landed in landing.reference}
    if "districts" not in files:
        # two reference folders, or districts.csv and .xlsx, reject it: say so, not "missing"
        for item in landing.seen:
            if item.extract == "districts" and item.status == "rejected":
                raise DistrictsUnavailable(f"{item.path} was rejected: {item.error}")
        raise DistrictsUnavailable("reference/districts.csv is missing from the landing folder")
    outcome = load_file(files["districts"], REFERENCE_FILES["districts"], {}, None, now)
    if outcome.records is None:
        raise DistrictsUnavailable(
            f"reference/districts.csv was rejected: {outcome.submission['error']}"
        )
    return outcome


def listed(districts_file: FileLoad) -> list[str]:
    """The district codes a loaded districts.csv lists, sorted."""
    return sorted(districts_file.records["district_code"])


@dataclass(frozen=True)
class ListedLanding:
    """The landing as scanned for the districts districts.csv lists.

    When districts.csv is missing or rejected whole, ``landing`` is the first look (no
    district folder counts), ``districts_file`` is None and ``unavailable`` says why.
    """

    landing: Landing
    districts_file: FileLoad | None
    unavailable: DistrictsUnavailable | None = None

    @property
    def districts(self) -> list[str]:
        """The listed district codes; none when districts.csv is unavailable."""
        return listed(self.districts_file) if self.districts_file else []

    def require_districts(self) -> list[str]:
        """The listed district codes; raises DistrictsUnavailable when there are none to
        list, since nothing can be built without them."""
        if self.unavailable is not None:
            raise self.unavailable
        return self.districts


def scan_listed(root: Path, now: datetime | None = None) -> ListedLanding:
    """The landing under ``root`` in two passes: districts.csv judged by its contract
    (its audit row stamped ``now``), then the month folders of the districts it lists."""
    first_look = scan_landing(root, [])
    try:
        districts_file = load_districts(first_look, now or now_utc())
    except DistrictsUnavailable as problem:
        return ListedLanding(first_look, None, problem)
    return ListedLanding(scan_landing(root, listed(districts_file)), districts_file)
