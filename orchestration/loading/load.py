"""What a load collects before it is recorded: audit rows, rejected rows, typed records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from orchestration import warehouse
from orchestration.dates import month_start
from orchestration.landing import Seen


@dataclass
class FileLoad:
    submission: dict
    records: pd.DataFrame | None  # typed, with partition and source columns
    rejected: pd.DataFrame  # audit.rejected_rows rows


def rejected_whole(submission: dict, error: str) -> FileLoad:
    """A file rejected whole: its audit row says why, and it adds no rows."""
    return FileLoad({**submission, "status": "rejected", "error": error}, None, pd.DataFrame())


@dataclass
class Load:
    """Everything one partition (or the reference files) puts in the working database."""

    submissions: list[dict] = field(default_factory=list)
    rejected: list[pd.DataFrame] = field(default_factory=list)
    records: dict[str, list[pd.DataFrame]] = field(default_factory=dict)

    def add(self, outcome: FileLoad, table: str) -> None:
        self.submissions.append(outcome.submission)
        self.rejected.append(outcome.rejected)
        if outcome.records is not None:
            self.records.setdefault(table, []).append(outcome.records)

    def extend(self, other: Load) -> None:
        self.submissions.extend(other.submissions)
        self.rejected.extend(other.rejected)
        for table, parts in other.records.items():
            self.records.setdefault(table, []).extend(parts)

    def add_seen(self, seen: list[Seen], now: datetime) -> None:
        self.submissions.extend(_seen_row(item, now) for item in seen)

    def frames(self) -> dict[str, pd.DataFrame]:
        frames = {
            table: pd.concat(parts, ignore_index=True) for table, parts in self.records.items()
        }
        frames["audit.submissions"] = pd.DataFrame(
            self.submissions, columns=list(warehouse.SUBMISSIONS_COLUMNS)
        )
        rejected = [frame for frame in self.rejected if not frame.empty]
        frames["audit.rejected_rows"] = (
            pd.concat(rejected, ignore_index=True)
            if rejected
            else pd.DataFrame(columns=list(warehouse.REJECTED_ROWS_COLUMNS))
        )
        return frames

    @property
    def rows_rejected(self) -> int:
        return sum(len(frame) for frame in self.rejected)


def _seen_row(item: Seen, now: datetime) -> dict:
    return {
        "reporting_month": month_start(item.month) if item.month else None,
        "district_code": item.district,
        "extract": item.extract,
        "file_name": Path(item.path).name,
        "path": item.path,
        "sha256": None,
        "status": item.status,
        "error": item.error,
        "loaded_at": now,
    }
