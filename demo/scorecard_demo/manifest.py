"""What the demo landing holds, so tests can check the pipeline against it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LandedFile:
    """One extract file as landed; ``path`` is relative to the landing, as written."""

    path: str
    reporting_month: str
    district_code: str
    extract: str
    data_rows: int  # records written (bad and duplicate rows included; blank lines not)
    style: str  # e.g. "csv cp1252 crlf uk headers:title"


@dataclass(frozen=True)
class BadRow:
    """A row the pipeline must reject, where a district officer would find it."""

    reporting_month: str
    district_code: str
    extract: str
    file_name: str  # as landed, e.g. "referrals.xlsx"
    line_number: int  # physical line the record starts on (header = 1); sheet row in xlsx
    column: str | None  # canonical column name; None for a ragged row
    kind: str  # bad_date, date_after_month_end, missing_required, bad_code, ...
    path: str


@dataclass(frozen=True)
class RejectedFile:
    """A file the pipeline must reject whole (the extract then counts as not submitted)."""

    path: str
    reporting_month: str
    district_code: str
    extract: str
    reason: str


@dataclass(frozen=True)
class JunkPath:
    """Something in the landing that is not a submission and must be ignored."""

    path: str
    reason: str


@dataclass(frozen=True)
class Quirk:
    """Valid but awkward input, listed so a reader's test can go straight to it."""

    path: str
    kind: str  # identical_duplicate, reformatted_duplicate, multiline_field, blank_line, ...
    line_numbers: tuple[int, ...]
    detail: str


@dataclass(frozen=True)
class DemoManifest:
    """Everything ``generate_landing`` wrote that a test needs to know."""

    out_dir: Path
    seed: int
    first_month: str
    last_month: str
    districts: tuple[str, ...]
    reference_files: tuple[str, ...]
    files: tuple[LandedFile, ...]
    bad_rows: tuple[BadRow, ...]
    rejected_files: tuple[RejectedFile, ...]
    junk_paths: tuple[JunkPath, ...]
    quirks: tuple[Quirk, ...]

    @property
    def rows_written(self) -> dict[tuple[str, str, str], int]:
        """Data rows per (reporting_month, district_code, extract) file."""
        return {(f.reporting_month, f.district_code, f.extract): f.data_rows for f in self.files}

    def file(self, reporting_month: str, district_code: str, extract: str) -> LandedFile:
        for landed in self.files:
            if (landed.reporting_month, landed.district_code, landed.extract) == (
                reporting_month,
                district_code,
                extract,
            ):
                return landed
        raise KeyError((reporting_month, district_code, extract))
