"""What the landing holds, by content: the state the landing sensor compares runs against.

A district-month's digest covers every file in its folder(s) whose name is an
extract, by SHA-256 of its bytes (touching a file changes nothing; junk such as
`referrals (1).csv` and symbolic links are ignored, as extracts.md says). The
reference digest covers the reference files the same way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from contracts.registry import DISTRICT_EXTRACTS
from orchestration.landing import Landing, match_files
from orchestration.loading.districts import scan_listed


@dataclass(frozen=True)
class LandingState:
    districts: list[str]
    reference: str
    partitions: dict[tuple[str, str], str] = field(default_factory=dict)  # (month, district)


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


def landing_state(root: Path) -> LandingState:
    """Digests of the reference files and of every listed district's month folders."""
    listed = scan_listed(root)  # a landing without districts.csv has only its reference files
    landing, districts = listed.landing, listed.districts
    reference_files = [landed.path for landed in landing.reference] + [
        root / item.path for item in landing.seen if item.status == "rejected"
    ]
    partitions = {
        key: _digest(root, _district_files(landing, *key)) for key in landing.district_folders
    }
    return LandingState(districts, _digest(root, reference_files), partitions)
