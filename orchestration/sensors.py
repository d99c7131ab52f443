"""The landing sensor: a run for exactly each district-month whose files changed.

It compares the landing's content digests (sensing.landing_state) with those it
saw last, kept in its cursor, which Dagster stores so it survives restarts. A new or
changed district-month requests one `district_month_update` run for that partition
(and what depends on it); changed reference files request a `reference_update` run;
an unchanged file, a touched file or junk requests nothing. New months and
districts are added to the dynamic partitions in the same evaluation.
"""

import json

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from orchestration.jobs import district_month_update, reference_update
from orchestration.partitions import DISTRICTS, MONTHS, district_month_key
from orchestration.resources import ScorecardResource
from orchestration.sensing import landing_state


@sensor(
    name="landing_sensor",
    jobs=[district_month_update, reference_update],
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    description="Requests a run for each new or changed district-month (by content hash).",
)
def landing_sensor(context: SensorEvaluationContext, scorecard: ScorecardResource):
    settings = scorecard.settings()
    if not settings.landing_dir.is_dir():
        return SkipReason(f"No landing folder at {settings.landing_dir}")
    seen = json.loads(context.cursor) if context.cursor else {}
    state = landing_state(settings.landing_dir)
    partitions = {
        f"{month}|{district}": digest for (month, district), digest in state.partitions.items()
    }
    requests = []
    if seen.get("reference") != state.reference:
        requests.append(
            RunRequest(job_name=reference_update.name, run_key=f"reference:{state.reference}")
        )
    for (month, district), digest in sorted(state.partitions.items()):
        if seen.get("partitions", {}).get(f"{month}|{district}") != digest:
            requests.append(
                RunRequest(
                    job_name=district_month_update.name,
                    partition_key=district_month_key(month, district),
                    run_key=f"{month}|{district}:{digest}",
                )
            )
    known_months = set(context.instance.get_dynamic_partitions(MONTHS.name))
    known_districts = set(context.instance.get_dynamic_partitions(DISTRICTS.name))
    new_months = sorted({month for month, _ in state.partitions} - known_months)
    new_districts = sorted(set(state.districts) - known_districts)
    cursor = json.dumps({"reference": state.reference, "partitions": partitions}, sort_keys=True)
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
