"""The raw layer: landed files checked by their contracts into the working database.

Two multi-assets, one per kind of landing: the reference files (unpartitioned) and
the district extracts (partitioned by month x district). Each raw table is its own
asset, so lineage runs from a landed extract to the staging model that reads it,
and each carries its contract's result as an asset check.
"""

from collections import Counter
from itertools import groupby

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    BackfillPolicy,
    Failure,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)
from dagster._core.execution.context.metadata_logging import (
    AssetMetadataHandle,
    OutputMetadataAccumulator,
)

from contracts.registry import DISTRICT_EXTRACTS, REFERENCE_FILES
from orchestration import warehouse
from orchestration.assets import WAREHOUSE_POOL
from orchestration.assets.metadata import source_version, table_metadata
from orchestration.catalogue import indicator_codes
from orchestration.dates import now_utc
from orchestration.landing import Landing, scan_landing
from orchestration.loading.districts import DistrictsUnavailable, scan_listed
from orchestration.loading.load import Load
from orchestration.loading.months import load_month
from orchestration.loading.reference import load_reference
from orchestration.partitions import DISTRICT_MONTHS, split_key
from orchestration.pseudonym import KeyRejected, Pseudonymiser, load_key
from orchestration.recording.district_months import write_district_months
from orchestration.recording.pseudonym_key import KeyChanged, require_same_key
from orchestration.recording.reference import write_reference
from orchestration.resources import ScorecardResource

SAMPLE_SIZE = 5
MAX_FILES_LISTED = 40
"""An unpartitioned run's metadata lists its files and hashes up to this many (the rest are
in the audit); a partition's lists its own."""
EXTRACT_KEYS = {name: AssetKey(["raw", name]) for name in DISTRICT_EXTRACTS}
REFERENCE_KEYS = {name: AssetKey(["raw", name]) for name in REFERENCE_FILES}
BANK_HOLIDAYS = AssetKey(["raw", "bank_holidays"])
AFTER_REFERENCE = [REFERENCE_KEYS["districts"]]
"""district_extracts depends on the reference files so that a build loads them first:
on a change of pseudonym key they forget every partition, which the district extracts
then reload with the new key. A run of district_extracts alone (the sensor's
district_month_update) does not select them, so it does not reload them."""
DISTRICT_FOLDERS = AssetKey(["raw", "district_folders"])
SUBMISSIONS = AssetKey(["audit", "submissions"])
CODE_VERSION = source_version(
    [
        "contracts",
        "orchestration/reading",
        "orchestration/landing.py",
        "orchestration/dates.py",
        "orchestration/loading",
        "orchestration/recording",
        "orchestration/pseudonym.py",
        "orchestration/warehouse.py",
        "orchestration/assets/raw.py",
    ]
)
"""The raw assets' rows are decided by the contracts and the reading and loading code."""


def _table(key: AssetKey) -> dict:
    """The asset's table in the working database, with its columns and their SQL types."""
    table = ".".join(key.path)
    return table_metadata(table, warehouse.TABLES[table])


def _contract_check(key: AssetKey) -> AssetCheckSpec:
    return AssetCheckSpec(
        "contract",
        asset=key,
        description=(
            "The run's files against their pandera contract: rejected rows are a warning "
            "(count and sample reasons), a file rejected whole is an error (its extract "
            "counts as not submitted)."
        ),
    )


@multi_asset(
    name="reference_files",
    specs=[
        *(
            AssetSpec(
                key,
                group_name="raw",
                kinds={"duckdb", "pandera"},
                description=f"reference/{name}.csv rows that passed contracts/{name}.py.",
                metadata=_table(key),
                code_version=CODE_VERSION,
            )
            for name, key in REFERENCE_KEYS.items()
        ),
        AssetSpec(
            BANK_HOLIDAYS,
            group_name="raw",
            kinds={"duckdb"},
            description=(
                "England's bank holidays (holidays package, GB/ENG) from 1990, for working days."
            ),
            metadata=_table(BANK_HOLIDAYS),
            code_version=CODE_VERSION,
        ),
    ],
    check_specs=[_contract_check(key) for key in REFERENCE_KEYS.values()],
    pool=WAREHOUSE_POOL,
)
def reference_files(context: AssetExecutionContext, scorecard: ScorecardResource):
    """Reference files first (the districts decide which folders count), plus the calendar.

    Also records every top-level item of the landing that is ignored, and forgets
    partitions whose folder has left the landing. A districts.csv that is missing or
    rejected whole stops the run: nothing is published.
    """
    settings = scorecard.settings()
    pseudonymiser = _pseudonymiser()
    now = now_utc()
    listed = scan_listed(settings.landing_dir, now)
    try:
        load = load_reference(listed, indicator_codes(), now)
    except DistrictsUnavailable as problem:
        raise Failure(f"Nothing can be published: {problem}") from None
    landing = listed.landing
    with warehouse.connect(settings.work_db) as con:
        write_reference(con, landing, load, pseudonymiser, now)
    context.log.info(
        f"{len(listed.districts)} districts, {len(landing.months)} months in the landing, "
        f"{len(landing.seen)} item(s) ignored"
    )
    yield from _results(load, REFERENCE_KEYS, settings.work_db)
    yield MaterializeResult(
        asset_key=BANK_HOLIDAYS, metadata={"ignored_in_landing": len(landing.seen)}
    )


@multi_asset(
    name="district_extracts",
    specs=[
        *(
            AssetSpec(
                key,
                group_name="raw",
                kinds={"duckdb", "pandera"},
                description=(
                    f"Rows of each district's monthly {name} extract that passed "
                    f"contracts/{name}.py, child ids pseudonymised, with the submission, file "
                    "and line they came from."
                ),
                deps=AFTER_REFERENCE,
                metadata=_table(key),
                code_version=CODE_VERSION,
            )
            for name, key in EXTRACT_KEYS.items()
        ),
        AssetSpec(
            DISTRICT_FOLDERS,
            group_name="raw",
            kinds={"duckdb"},
            description="Each (month, listed district) whose folder is in the landing.",
            deps=AFTER_REFERENCE,
            metadata=_table(DISTRICT_FOLDERS),
            code_version=CODE_VERSION,
        ),
        AssetSpec(
            SUBMISSIONS,
            group_name="raw",
            kinds={"duckdb"},
            description=(
                "One row per file or folder seen in the landing, loaded, rejected or ignored, "
                "with its SHA-256 and row counts; rejected rows are in audit.rejected_rows."
            ),
            deps=AFTER_REFERENCE,
            metadata=_table(SUBMISSIONS),
            code_version=CODE_VERSION,
        ),
    ],
    partitions_def=DISTRICT_MONTHS,
    backfill_policy=BackfillPolicy.single_run(),
    check_specs=[_contract_check(key) for key in EXTRACT_KEYS.values()],
    pool=WAREHOUSE_POOL,
)
def district_extracts(context: AssetExecutionContext, scorecard: ScorecardResource):
    """Read, pseudonymise and check each district-month's extracts, one month at a time.

    A run replaces exactly its partitions, so a resubmitted month replaces its earlier
    load and loading the same submission twice changes nothing. Memory holds one month's
    records; only the run's audit rows are kept for its metadata and checks.
    """
    settings = scorecard.settings()
    pseudonymiser = _pseudonymiser()
    now = now_utc()
    partitions = sorted(split_key(key) for key in context.partition_keys)
    landing = scan_landing(settings.landing_dir, sorted({district for _, district in partitions}))
    total = Load()
    with warehouse.connect(settings.work_db) as con:
        try:
            require_same_key(con, pseudonymiser)
        except KeyChanged as problem:
            raise Failure(f"Nothing was loaded: {problem}") from None
        for month, batch in groupby(partitions, key=lambda partition: partition[0]):
            batch = list(batch)
            load = load_month(
                landing, month, [district for _, district in batch], pseudonymiser, now
            )
            write_district_months(con, landing, batch, load)
            total.submissions.extend(load.submissions)
            total.rejected.extend(load.rejected)
            context.log.info(f"{month}: loaded {len(batch)} district-month partition(s)")
    # before the results: Dagster writes each partition's event as a result is yielded
    keys = {split_key(key): key for key in context.partition_keys}
    _add_partition_metadata(context, _partition_metadata(_files(total), keys, landing))
    yield from _results(total, EXTRACT_KEYS, settings.work_db, partitioned=True)
    yield MaterializeResult(asset_key=DISTRICT_FOLDERS)
    yield MaterializeResult(asset_key=SUBMISSIONS)


def _pseudonymiser() -> Pseudonymiser:
    try:
        return Pseudonymiser(load_key())
    except KeyRejected as problem:
        raise Failure(f"Nothing was loaded: {problem}") from None


def _files(load: Load) -> pd.DataFrame:
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


def _results(load: Load, keys: dict[str, AssetKey], work_db, partitioned: bool = False):
    """A materialisation and a contract check per extract, from what the run loaded.

    A partitioned run's figures go on each partition's own event (_partition_metadata),
    since Dagster copies a result's metadata onto every partition of the run.
    """
    files = _files(load)
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


def _partition_metadata(
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


def _add_partition_metadata(
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
