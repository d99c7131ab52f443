"""What a raw run reports to Dagster: each extract's figures, its contract check, and
every partition's own metadata (files, hashes, counts), from the run's audit rows."""

from collections import Counter

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
)
from dagster._core.execution.context.metadata_logging import (
    AssetMetadataHandle,
    OutputMetadataAccumulator,
)

from orchestration import warehouse
from orchestration.assets.raw_keys import DISTRICT_FOLDERS, EXTRACT_KEYS, SUBMISSIONS
from orchestration.landing import Landing
from orchestration.loading.load import Load

SAMPLE_SIZE = 5
MAX_FILES_LISTED = 40
"""An unpartitioned run's metadata lists its files and hashes up to this many (the rest are
in the audit); a partition's lists its own."""


def files_of(load: Load) -> pd.DataFrame:
    return pd.DataFrame(load.submissions, columns=list(warehouse.SUBMISSIONS_COLUMNS))


FIGURES = ["files_loaded", "files_rejected", "rows_loaded", "rows_rejected"]


def _with_figures(files: pd.DataFrame) -> pd.DataFrame:
    """Audit rows with what each adds to its extract's figures, to sum by any grouping."""
    loaded = files["status"] == "loaded"
    return files.assign(
        files_loaded=loaded.astype("int64"),
        files_rejected=(files["status"] == "rejected").astype("int64"),
        rows_loaded=files["rows_loaded"].where(loaded, 0).fillna(0).astype("int64"),
        rows_rejected=files["rows_rejected"].where(loaded, 0).fillna(0).astype("int64"),
    )


def results(load: Load, keys: dict[str, AssetKey], work_db, partitioned: bool = False):
    """A materialisation and a contract check per extract, from what the run loaded.

    A partitioned run's figures go on each partition's own event (partition_metadata),
    since Dagster copies a result's metadata onto every partition of the run.
    """
    files = files_of(load)
    rejected = [frame for frame in load.rejected if not frame.empty]
    reasons = pd.concat(rejected) if rejected else pd.DataFrame(columns=["extract", "reason"])
    totals = _with_figures(files).groupby("extract")[FIGURES].sum()
    for name, key in keys.items():
        mine = files[files["extract"] == name]
        figures = {
            figure: int(totals.at[name, figure]) if name in totals.index else 0
            for figure in FIGURES
        }
        if not partitioned and len(mine) <= MAX_FILES_LISTED:
            figures["sha256"] = MetadataValue.json(
                dict(zip(mine["path"], mine["sha256"], strict=True))
            )
        yield MaterializeResult(
            asset_key=key,
            metadata={
                **({} if partitioned else figures),
                "working_database": MetadataValue.path(str(work_db)),
            },
        )
        yield _check(
            key,
            figures["rows_rejected"],
            mine[mine["status"] == "rejected"],
            reasons[reasons["extract"] == name],
        )


def partition_metadata(
    files: pd.DataFrame, keys: dict[tuple[str, str], str], landing: Landing
) -> dict[tuple[AssetKey, str], dict]:
    """Each (asset, partition) of the run with its own figures, from the run's audit rows.

    Every partition gets every extract's figures, zeros included: Dagster records a
    materialisation for each partition of the run whatever the code reports.
    """
    months = pd.to_datetime(files["reporting_month"]).dt.strftime("%Y-%m")
    pairs = zip(months, files["district_code"], strict=True)
    files = files.assign(partition=[keys.get(pair) for pair in pairs])
    sums = _with_figures(files).groupby(["partition", "extract"])[FIGURES].sum()
    figures = dict(zip(sums.index, sums.to_dict("records"), strict=True))
    hashes: dict[tuple[str, str], dict[str, str]] = {}
    rows: dict[str, list[str]] = {}
    for partition, extract, path, sha256, row in zip(
        files["partition"],
        files["extract"],
        files["path"],
        files["sha256"],
        _table_rows(files),
        strict=True,
    ):
        hashes.setdefault((partition, extract), {})[path] = sha256
        rows.setdefault(partition, []).append(row)
    ignored = files[files["status"] == "ignored"].groupby("partition").size()
    none = dict.fromkeys(FIGURES, 0)
    metadata = {}
    for pair, partition in keys.items():
        for name, key in EXTRACT_KEYS.items():
            metadata[(key, partition)] = {
                **{k: int(v) for k, v in figures.get((partition, name), none).items()},
                "sha256": MetadataValue.json(hashes.get((partition, name), {})),
            }
        metadata[(DISTRICT_FOLDERS, partition)] = {
            "folder_present": pair in landing.district_folders
        }
        metadata[(SUBMISSIONS, partition)] = {
            "files_seen": len(rows.get(partition, [])),
            "files_ignored": int(ignored.get(partition, 0)),
            "files": MetadataValue.md(_files_table(rows.get(partition, []))),
        }
    return metadata


def add_partition_metadata(
    context: AssetExecutionContext, metadata: dict[tuple[AssetKey, str], dict]
) -> None:
    """``context.add_asset_metadata(..., partition_key=...)`` for every (asset, partition)
    at once.

    The public call lists the run's partitions again on each call (0.4 s for England's
    18,000 district-months) and copies everything added so far, so one call per
    partition would take hours on a full build. Its effect is this one step;
    tests/orchestration/assets/test_raw.py pins it to Dagster's behaviour.
    """
    step = context.op_execution_context._step_execution_context  # noqa: SLF001
    accumulated = step._metadata_accumulator  # noqa: SLF001
    added = dict(accumulated.per_output_metadata)
    for (key, partition), values in metadata.items():
        handle = AssetMetadataHandle(asset_key=key, partition_key=partition)
        added[handle] = {**added.get(handle, {}), **values}
    step._metadata_accumulator = OutputMetadataAccumulator(per_output_metadata=added)  # noqa: SLF001


def _check(
    key: AssetKey, rows_rejected: int, rejected_files: pd.DataFrame, reasons: pd.DataFrame
) -> AssetCheckResult:
    """Rejected rows warn; a file rejected whole is an error. Reasons never quote child ids."""
    sample = Counter(reasons["reason"].str.split("; ").explode().dropna())
    metadata = {
        "rows_rejected": rows_rejected,
        "files_rejected": len(rejected_files),
        "sample_reasons": MetadataValue.json(dict(sample.most_common(SAMPLE_SIZE))),
        "rejected_files": MetadataValue.json(
            dict(zip(rejected_files["path"], rejected_files["error"], strict=True))
        ),
    }
    if len(rejected_files):
        return AssetCheckResult(
            asset_key=key,
            check_name="contract",
            passed=False,
            severity=AssetCheckSeverity.ERROR,
            metadata=metadata,
            description=f"{len(rejected_files)} file(s) rejected whole: not submitted",
        )
    return AssetCheckResult(
        asset_key=key,
        check_name="contract",
        passed=rows_rejected == 0,
        severity=AssetCheckSeverity.WARN,
        metadata=metadata,
        description=f"{rows_rejected} row(s) rejected (see audit.rejected_rows)",
    )


TABLE_COLUMNS = ["path", "status", "rows_read", "rows_loaded", "rows_rejected", "sha256", "error"]


def _table_rows(files: pd.DataFrame) -> pd.Series:
    """Each audit row as a markdown table row, built column by column, not row by row."""
    cells = files[TABLE_COLUMNS].assign(
        sha256=files["sha256"].str[:12],
        **{count: files[count].astype("Int64") for count in TABLE_COLUMNS[2:5]},
    )
    row = pd.Series("|", index=files.index, dtype="string")
    for column in TABLE_COLUMNS:
        row = row + " " + cells[column].astype("string").fillna("") + " |"
    return row


def _files_table(rows: list[str], limit: int = MAX_FILES_LISTED) -> str:
    """A markdown table of the files a partition's run saw: path, status, counts and hash."""
    if not rows:
        return "No files."
    lines = ["| " + " | ".join(TABLE_COLUMNS) + " |", "|" + "---|" * len(TABLE_COLUMNS)]
    lines += rows[:limit]
    if len(rows) > limit:
        lines.append(f"\n… and {len(rows) - limit} more (see audit.submissions)")
    return "\n".join(lines)
