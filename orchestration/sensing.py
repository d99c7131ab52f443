"""What the landing holds, by content: the state the landing sensor compares runs against.

A district-month's digest covers every file in its folder(s) whose name is an
extract, by SHA-256 of its bytes (touching a file changes nothing; junk such as
`referrals (1).csv` and symbolic links are ignored, as extracts.md says). The
reference digest covers the reference files the same way. A folder whose listing is
unchanged since the last look is not read again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from contracts.registry import DISTRICT_EXTRACTS
from orchestration.landing import Landing, match_files
from orchestration.loading.districts import scan_listed
from orchestration.loading.unchanged import listing


@dataclass(frozen=True)
class LandingState:
    districts: list[str]
    reference: str
    partitions: dict[tuple[str, str], str] = field(default_factory=dict)  # (month, district)
    listings: dict[tuple[str, str], str] = field(default_factory=dict)  # loading.unchanged


def _digest(root: Path, paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _district_files(landing: Landing, month: str, district: str) -> list[Path]:
    """Every regular file in the district's folder(s) named as an extract, ambiguous ones too."""
    folders = landing.district_folders[(month, district)]
    files, seen = match_files(landing.root, folders, DISTRICT_EXTRACTS, month, district)
    rejected = [landing.root / item.path for item in seen if item.status == "rejected"]
    return [landed.path for landed in files] + rejected


def landing_state(
    root: Path, known: Mapping[tuple[str, str], tuple[str, str]] | None = None
) -> LandingState:
    """Digests of the reference files and of every listed district's month folders.

    ``known`` maps a district-month to the (listing, digest) of an earlier look: when its
    folder's listing (names, sizes, times: one stat per file) is the same, the digest is
    taken from there instead of reading every file again. The listing is taken before
    the files are read, so a file that changes meanwhile differs at the next look.
    """
    known = known or {}
    listed = scan_listed(root)  # a landing without districts.csv has only its reference files
    landing, districts = listed.landing, listed.districts
    reference_files = [landed.path for landed in landing.reference] + [
        root / item.path for item in landing.seen if item.status == "rejected"
    ]
    partitions, listings = {}, {}
    for key in landing.district_folders:
        listings[key] = listing(landing, key)
        before = known.get(key)
        partitions[key] = (
            before[1]
            if before and before[0] == listings[key]
            else _digest(root, _district_files(landing, *key))
        )
    return LandingState(districts, _digest(root, reference_files), partitions, listings)
