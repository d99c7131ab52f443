"""The raw layer: landed files checked by their contracts into the working database.

Two multi-assets, one per kind of landing: the reference files (unpartitioned) and
the district extracts (partitioned by month x district). Each raw table is its own
asset, so lineage runs from a landed extract to the staging model that reads it,
and each carries its contract's result as an asset check.
"""

from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    BackfillPolicy,
    Failure,
    MaterializeResult,
    multi_asset,
)

from orchestration import warehouse
from orchestration.assets import WAREHOUSE_POOL
from orchestration.assets.metadata import table_metadata
from orchestration.assets.raw_keys import (
    AFTER_REFERENCE,
    BANK_HOLIDAYS,
    DISTRICT_FOLDERS,
    EXTRACT_KEYS,
    REFERENCE_KEYS,
    SUBMISSIONS,
)
from orchestration.assets.raw_reports import (
    add_partition_metadata,
    files_of,
    partition_metadata,
    results,
)
from orchestration.catalogue import indicator_codes
from orchestration.dates import now_utc
from orchestration.landing import scan_landing
from orchestration.loading.districts import DistrictsUnavailable, scan_listed
from orchestration.loading.reference import load_reference
from orchestration.partitions import DISTRICT_MONTHS, split_key
from orchestration.pseudonym import KeyRejected, Pseudonymiser, load_key
from orchestration.recording.district_months import load_district_months
from orchestration.recording.pseudonym_key import KeyChanged, require_same_key
from orchestration.recording.reference import write_reference
from orchestration.resources import ScorecardResource
from orchestration.sources import RAW_SOURCES, source_version

CODE_VERSION = source_version(RAW_SOURCES)
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
    yield from results(load, REFERENCE_KEYS, settings.work_db)
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
    load and loading the same submission twice changes nothing. A partition whose folder
    is unchanged since this code loaded it is not read again (loading.unchanged): its
    recorded audit rows stand for it in the metadata and checks. Memory holds one month's
    records; only the run's audit rows are kept for its metadata and checks.
    """
    settings = scorecard.settings()
    pseudonymiser = _pseudonymiser()
    now = now_utc()
    partitions = sorted(split_key(key) for key in context.partition_keys)
    landing = scan_landing(settings.landing_dir, sorted({district for _, district in partitions}))
    with warehouse.connect(settings.work_db) as con:
        try:
            require_same_key(con, pseudonymiser)
        except KeyChanged as problem:
            raise Failure(f"Nothing was loaded: {problem}") from None
        total = load_district_months(
            con, landing, partitions, pseudonymiser, now, scorecard.reload, context.log.info
        )
    # before the results: Dagster writes each partition's event as a result is yielded
    keys = {split_key(key): key for key in context.partition_keys}
    add_partition_metadata(context, partition_metadata(files_of(total), keys, landing))
    yield from results(total, EXTRACT_KEYS, settings.work_db, partitioned=True)
    yield MaterializeResult(asset_key=DISTRICT_FOLDERS)
    yield MaterializeResult(asset_key=SUBMISSIONS)


def _pseudonymiser() -> Pseudonymiser:
    try:
        return Pseudonymiser(load_key())
    except KeyRejected as problem:
        raise Failure(f"Nothing was loaded: {problem}") from None
