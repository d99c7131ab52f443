"""The reference files loaded, districts.csv first since the others are checked against it."""

from __future__ import annotations

from datetime import datetime

from contracts.registry import REFERENCE_FILES
from orchestration.landing import Landing
from orchestration.loading.districts import ListedLanding
from orchestration.loading.files import load_file
from orchestration.loading.load import Load


def load_reference(listed: ListedLanding, indicator_codes: list[str], now: datetime) -> Load:
    """The reference files of a landing scanned for its listed districts.

    A districts.csv that is missing or rejected whole stops the run (DistrictsUnavailable):
    nothing can be built without the districts. A population.csv or targets.csv rejected
    whole or missing reads as empty (and is reported as rejected).
    """
    districts = listed.require_districts()
    load = Load()
    load.add(listed.districts_file, "raw.districts")
    context = {"districts": districts, "indicator_codes": indicator_codes}
    for landed in listed.landing.reference:
        if landed.extract != "districts":
            contract = REFERENCE_FILES[landed.extract]
            load.add(load_file(landed, contract, context, None, now), f"raw.{contract.name}")
    load.submissions.extend(_missing_reference(listed.landing, now))
    return load


WITHOUT_REFERENCE = {
    "population": "no population, so no rates",
    "targets": "no targets, so no RAG ratings",
}
"""What the scorecard lacks when a reference file reads as empty."""


def _missing_reference(landing: Landing, now: datetime) -> list[dict]:
    """An absent population or targets file reads as empty, like one rejected whole,
    and is reported like one: silence would publish a scorecard without rates or RAG."""
    present = {landed.extract for landed in landing.reference}
    present |= {item.extract for item in landing.seen}  # rejected by the scan (ambiguous)
    return [
        {
            "reporting_month": None,
            "district_code": None,
            "extract": name,
            "file_name": f"{name}.csv",
            "path": f"reference/{name}.csv",
            "sha256": None,
            "status": "rejected",
            "error": f"reference/{name}.csv is missing: {lacking}",
            "loaded_at": now,
        }
        for name, lacking in WITHOUT_REFERENCE.items()
        if name not in present
    ]
