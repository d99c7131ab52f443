"""Finding what landed, without trusting a single name in the landing folder.

The landing folder is read-only and its names are data: only entries found by
listing folders under the landing root are ever opened, symbolic links are never
followed, and anything that is not a reference file, a real ``YYYY-MM`` month, a
listed district or an extract name is reported as ignored; so is a name that is not
UTF-8, recorded with its bad bytes escaped so that the audit, Dagster and the logs
can hold it. Names match case-insensitively, so two entries that match the same
thing make the submission ambiguous and are reported as rejected.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from contracts.registry import REFERENCE_FILES

REFERENCE_FOLDER = "reference"
FILE_SUFFIXES = (".csv", ".xlsx")
# ASCII digits and fullmatch: `\d` takes other scripts' digits and `$` a trailing
# newline, and either would let a second folder name the same month.
_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
NOT_UTF8 = "a name that is not valid UTF-8 (its undecodable bytes shown as \\xNN)"


@dataclass(frozen=True)
class Seen:
    """A file or folder that is not loaded, and why (one audit.submissions row)."""

    path: str  # relative to the landing root, '/'-separated
    status: str  # "ignored" or "rejected"
    error: str
    month: str | None = None
    district: str | None = None
    extract: str | None = None


@dataclass(frozen=True)
class Landed:
    """A file to load: the extract it is, where it is, and its audit path."""

    extract: str
    path: Path
    relative: str


@dataclass
class Landing:
    root: Path
    # (month, district) -> every folder whose name matches that district that month
    district_folders: dict[tuple[str, str], list[Path]] = field(default_factory=dict)
    reference: list[Landed] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)  # top-level and reference items not loaded

    @property
    def months(self) -> list[str]:
        return sorted({month for month, _ in self.district_folders})


def is_month(name: str) -> bool:
    match = _MONTH.fullmatch(name)
    return bool(match) and int(match.group(1)) >= 1


def _entries(folder: Path) -> list[os.DirEntry]:
    with os.scandir(folder) as entries:
        return sorted(entries, key=lambda entry: entry.name)


def _relative(root: Path, path: str | Path) -> str:
    return Path(path).relative_to(root).as_posix()


def is_utf8(name: str) -> bool:
    """False for a name os.scandir could only return surrogate-escaped (bytes not UTF-8)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable(relative: str) -> str:
    """The name's own bytes with those that are not UTF-8 written as ``\\xNN``: valid text."""
    return relative.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def scan_landing(root: Path, districts: Collection[str]) -> Landing:
    """Month folders holding listed districts, reference files, and everything ignored."""
    landing = Landing(root=root)
    listed = {code.upper(): code for code in districts}
    reference_folders: list[Path] = []
    for entry in _entries(root):
        relative = _relative(root, entry.path)
        if not is_utf8(entry.name):
            landing.seen.append(Seen(printable(relative), "ignored", NOT_UTF8))
        elif entry.is_symlink():
            landing.seen.append(Seen(relative, "ignored", "symbolic link: not followed"))
        elif entry.is_dir() and entry.name.lower() == REFERENCE_FOLDER:
            reference_folders.append(Path(entry.path))
        elif entry.is_dir() and is_month(entry.name):
            _scan_month(landing, Path(entry.path), entry.name, listed)
        else:
            landing.seen.append(
                Seen(relative, "ignored", "not the reference folder or a YYYY-MM month folder")
            )
    if reference_folders:
        landing.reference, seen = match_files(root, reference_folders, REFERENCE_FILES)
        landing.seen.extend(seen)
    return landing


def _scan_month(landing: Landing, folder: Path, month: str, listed: dict[str, str]) -> None:
    for entry in _entries(folder):
        relative = _relative(landing.root, entry.path)
        if not is_utf8(entry.name):
            landing.seen.append(Seen(printable(relative), "ignored", NOT_UTF8, month))
        elif entry.is_symlink():
            landing.seen.append(Seen(relative, "ignored", "symbolic link: not followed", month))
        elif entry.is_dir() and entry.name.upper() in listed:
            code = listed[entry.name.upper()]
            landing.district_folders.setdefault((month, code), []).append(Path(entry.path))
        elif entry.is_dir():
            landing.seen.append(
                Seen(relative, "ignored", "not a district listed in districts.csv", month)
            )
        else:
            landing.seen.append(
                Seen(relative, "ignored", "a file directly in a month folder", month)
            )


def match_files(
    root: Path,
    folders: Iterable[Path],
    extracts: Collection[str],
    month: str | None = None,
    district: str | None = None,
) -> tuple[list[Landed], list[Seen]]:
    """The files in ``folders`` that are extracts, and everything else seen there.

    Two or more folders (``EST`` and ``est``) make the whole submission ambiguous:
    every file in them is rejected. Two files for one extract (``referrals.csv``
    and ``REFERRALS.xlsx``) are both rejected.
    """
    folders = list(folders)
    candidates: dict[str, list[Landed]] = {}
    seen: list[Seen] = []
    for folder in folders:
        for entry in _entries(folder):
            relative = _relative(root, entry.path)
            stem, suffix = os.path.splitext(entry.name.lower())
            if not is_utf8(entry.name):
                seen.append(Seen(printable(relative), "ignored", NOT_UTF8, month, district))
            elif entry.is_symlink():
                seen.append(
                    Seen(relative, "ignored", "symbolic link: not followed", month, district)
                )
            elif entry.is_file() and stem in extracts and suffix in FILE_SUFFIXES:
                candidates.setdefault(stem, []).append(Landed(stem, Path(entry.path), relative))
            else:
                seen.append(Seen(relative, "ignored", "not an extract file name", month, district))
    if len(folders) > 1:
        names = " and ".join(folder.name for folder in folders)
        what = f"district {district}" if district else f"the {REFERENCE_FOLDER} folder"
        reason = f"ambiguous submission: folders {names} both match {what}"
        rejected = [landed for group in candidates.values() for landed in group]
        return [], seen + [
            Seen(landed.relative, "rejected", reason, month, district, landed.extract)
            for landed in rejected
        ]
    files: list[Landed] = []
    for extract, group in sorted(candidates.items()):
        if len(group) == 1:
            files.append(group[0])
            continue
        names = " and ".join(Path(landed.relative).name for landed in group)
        reason = f"ambiguous submission: {names} both match the {extract} extract"
        seen.extend(
            Seen(landed.relative, "rejected", reason, month, district, extract) for landed in group
        )
    return files, seen
