"""Dagster assets by layer: raw (landing), dbt (staging, intermediate, marts), publish."""

WAREHOUSE_POOL = "scorecard_warehouse"
"""Every asset that writes the working database runs in this pool (limit 1, run
granularity; dagster_home/dagster.yaml), so the schedule's and the sensor's runs queue
rather than collide on DuckDB's single writer."""
