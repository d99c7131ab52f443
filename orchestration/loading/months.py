"""A month's district submissions loaded: every extract's files judged together."""

from __future__ import annotations

from datetime import datetime

from contracts.registry import DISTRICT_EXTRACTS
from orchestration.dates import month_end
from orchestration.landing import Landed, Landing, match_files
from orchestration.loading.files import load_files
from orchestration.loading.load import Load
from orchestration.pseudonym import Pseudonymiser


def load_district_month(
    landing: Landing,
    month: str,
    district: str,
    pseudonymiser: Pseudonymiser,
    now: datetime,
) -> Load:
    """Every extract of one district's submission for one month."""
    return load_month(landing, month, [district], pseudonymiser, now)


def load_month(
    landing: Landing,
    month: str,
    districts: list[str],
    pseudonymiser: Pseudonymiser,
    now: datetime,
) -> Load:
    """Every extract of the given districts' submissions for one month, each extract's
    files judged together."""
    load = Load()
    by_extract: dict[str, list[tuple[Landed, str, str]]] = {}
    for district in districts:
        folders = landing.district_folders.get((month, district), [])
        if not folders:
            continue
        files, seen = match_files(landing.root, folders, DISTRICT_EXTRACTS, month, district)
        load.add_seen(seen, now)
        for landed in files:
            by_extract.setdefault(landed.extract, []).append((landed, month, district))
    context = {"month_end": month_end(month)}
    for extract, files in by_extract.items():
        load.extend(load_files(files, DISTRICT_EXTRACTS[extract], context, pseudonymiser, now))
    return load
