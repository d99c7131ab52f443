"""Where things live, from environment variables with working defaults.

One place reads the environment, so the CLI, `dagster dev`, the sensor and the
tests agree on the landing folder, the published warehouse and the working
database without any path of one machine in the code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_LANDING_DIR = Path("data/landing")
DEFAULT_WAREHOUSE = Path("data/scorecard.duckdb")
DEFAULT_KEY_FILE = Path("~/.config/scorecard/pseudonym.key")


TRUE_WORDS = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse: Path
    work_db: Path
    allow_shrink: bool = False  # publish even if the scorecard shrank (quality.not_shrunk)

    @classmethod
    def resolve(
        cls,
        landing_dir: str | Path | None = None,
        warehouse: str | Path | None = None,
        work_db: str | Path | None = None,
        allow_shrink: bool | None = None,
    ) -> Settings:
        """Explicit values first, then SCORECARD_* environment variables, then defaults.

        The working database defaults to a hidden file beside the warehouse, on the
        same file system, so publishing can rename rather than copy across disks.
        """
        warehouse = Path(
            warehouse or os.getenv("SCORECARD_WAREHOUSE") or DEFAULT_WAREHOUSE
        ).absolute()
        work_db = work_db or os.getenv("SCORECARD_WORK_DB")
        return cls(
            landing_dir=Path(
                landing_dir or os.getenv("SCORECARD_LANDING_DIR") or DEFAULT_LANDING_DIR
            ).absolute(),
            warehouse=warehouse,
            work_db=Path(work_db).absolute()
            if work_db
            else warehouse.with_name(f".{warehouse.name}.work.duckdb"),
            allow_shrink=allow_shrink
            or os.getenv("SCORECARD_ALLOW_SHRINK", "").strip().lower() in TRUE_WORDS,
        )


def pseudonym_key_from_environment() -> str | None:
    """SCORECARD_PSEUDONYM_KEY as set (an empty value counts as unset)."""
    return os.getenv("SCORECARD_PSEUDONYM_KEY") or None


def pseudonym_key_file() -> Path:
    return Path(os.getenv("SCORECARD_PSEUDONYM_KEY_FILE") or DEFAULT_KEY_FILE).expanduser()
