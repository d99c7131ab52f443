"""The landing sensor: a run for exactly each district-month whose files changed.

It compares the landing's content digests (sensing.landing_state) with those it
saw last, reading again only the folders whose listing (names, sizes, times) changed.
Those are kept in a small file beside the working database (a digest per
district-month is megabytes at England scale, too much for a cursor Dagster stores
and shows on every tick); the cursor, which survives restarts, holds only the
digest that names that file. A new or
changed district-month requests one `district_month_update` run for that partition
(and what depends on it); changed reference files request a `reference_update` run;
an unchanged file, a touched file or junk requests nothing. New months and
districts are added to the dynamic partitions in the same evaluation.

When many district-months change at once (a first look at a landing with years of
history, a county-wide resubmission), one `scorecard_build` run over their range
replaces a run per partition: dbt costs seconds per run, ingestion milliseconds.
"""

import hashlib
import json
import re
from pathlib import Path

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from orchestration.jobs import district_month_update, reference_update, scorecard_build
from orchestration.partitions import DISTRICTS, MONTHS, district_month_key
from orchestration.resources import ScorecardResource
from orchestration.sensing import landing_state
from orchestration.settings import sensor_interval_seconds

ONE_RUN_EACH_UP_TO = 12
"""Up to this many changed district-months get a run each; more share one run."""


@sensor(
    name="landing_sensor",
    jobs=[district_month_update, reference_update, scorecard_build],
    minimum_interval_seconds=sensor_interval_seconds(),
    default_status=DefaultSensorStatus.STOPPED,  # switched on deliberately: README
    description="Requests a run for each new or changed district-month (by content hash).",
)
def landing_sensor(context: SensorEvaluationContext, scorecard: ScorecardResource):
    settings = scorecard.settings()
    if not settings.landing_dir.is_dir():
        return SkipReason(f"No landing folder at {settings.landing_dir}")
    folder = _state_folder(settings.work_db)
    seen = _seen(context, folder)
    known = {
        tuple(name.split("|", 1)): (listed, seen["partitions"][name])
        for name, listed in seen.get("listings", {}).items()
        if name in seen.get("partitions", {})
    }
    state = landing_state(settings.landing_dir, known)
    partitions = {
        f"{month}|{district}": digest for (month, district), digest in state.partitions.items()
    }
    listings = {
        f"{month}|{district}": listed for (month, district), listed in state.listings.items()
    }
    known_months = context.instance.get_dynamic_partitions(MONTHS.name)
    known_districts = context.instance.get_dynamic_partitions(DISTRICTS.name)
    new_months = sorted({month for month, _ in state.partitions} - set(known_months))
    new_districts = sorted(set(state.districts) - set(known_districts))
    changed = sorted(
        key
        for key, digest in state.partitions.items()
        if seen.get("partitions", {}).get(f"{key[0]}|{key[1]}") != digest
    )
    if len(changed) > ONE_RUN_EACH_UP_TO:  # the reference files are part of that run
        requests = [
            _one_run_for(changed, known_months + new_months, known_districts + new_districts)
        ]
    else:
        requests = [
            RunRequest(
                job_name=district_month_update.name,
                partition_key=district_month_key(month, district),
                run_key=f"{month}|{district}:{state.partitions[(month, district)]}",
            )
            for month, district in changed
        ]
        if seen.get("reference") != state.reference:
            requests.insert(
                0,
                RunRequest(job_name=reference_update.name, run_key=f"reference:{state.reference}"),
            )
    cursor = _keep(
        {"reference": state.reference, "partitions": partitions, "listings": listings},
        folder,
        context.cursor,
    )
    if not requests and not new_months and not new_districts:
        return SensorResult(skip_reason="No new or changed files", cursor=cursor)
    return SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[
            *([MONTHS.build_add_request(new_months)] if new_months else []),
            *([DISTRICTS.build_add_request(new_districts)] if new_districts else []),
        ],
        cursor=cursor,
    )


def _state_folder(work_db: Path) -> Path:
    """Beside the working database, whose loads the digests stand for."""
    return work_db.with_name(f"{work_db.name}.landing-state")


def _seen(context: SensorEvaluationContext, folder: Path) -> dict:
    """What the last stored tick saw: nothing at first, or if its file has gone."""
    cursor = context.cursor
    if not cursor:
        return {}
    if cursor.startswith("{"):  # a cursor from before the state file held it all
        return json.loads(cursor)
    path = folder / f"{cursor}.json"
    if not re.fullmatch(r"[0-9a-f]{64}", cursor) or not path.is_file():
        context.log.warning(f"No landing state {cursor!r} in {folder}: looking afresh")
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _keep(seen: dict, folder: Path, cursor: str | None) -> str:
    """Write what this tick saw under its own digest, which becomes the cursor.

    The file the stored cursor names is kept too: if Dagster does not store this
    tick's cursor, the next tick starts from it again and requests the same runs.
    """
    text = json.dumps(seen, sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}.json"
    if not path.is_file():
        partial = path.with_suffix(".partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    for other in folder.glob("*.json"):
        if other.stem not in (digest, cursor):
            other.unlink(missing_ok=True)
    return digest


def _one_run_for(changed: list[tuple[str, str]], months: list[str], districts: list[str]):
    """A scorecard_build run over the rectangle of partitions that holds every change.

    Ranges follow the partitions' stored order; reloading an unchanged district-month
    inside the rectangle changes nothing.
    """
    month_positions = sorted(months.index(month) for month, _ in changed)
    district_positions = sorted(districts.index(district) for _, district in changed)
    start = district_month_key(months[month_positions[0]], districts[district_positions[0]])
    end = district_month_key(months[month_positions[-1]], districts[district_positions[-1]])
    return RunRequest(
        job_name=scorecard_build.name,
        run_key="range:" + hashlib.sha256(json.dumps(changed).encode()).hexdigest(),
        tags={ASSET_PARTITION_RANGE_START_TAG: str(start), ASSET_PARTITION_RANGE_END_TAG: str(end)},
    )
