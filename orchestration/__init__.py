"""The scorecard pipeline's Dagster code, laid out in the order data flows through it.

landing.py       what landed: month, district and reference folders, junk reported
reading/         a landed file's bytes -> text cells (encodings, CSV, workbooks, limits)
loading/         cells judged by contracts/ -> typed records, rejected rows, audit rows
recording/       loads written to the working database's raw and audit tables
assets/raw.py    the raw layer as Dagster assets (loading + recording, per partition)
assets/transform.py  dbt: staging -> intermediate -> marts (dbt_project/)
assets/quality.py, assets/timeliness.py  checks on the marts
assets/publish.py    the working database published as the warehouse
publications.py  the publication history: restored from the warehouse, written after a publish
report.py        the county scorecard read back from the warehouse (`scorecard show`)
pack/            the committee pack: one self-contained HTML file from the warehouse

Around them: definitions.py (the one Definitions), jobs, partitions, schedules,
sensors (sensing.py: what the sensor compares), resources, executor and writer_lock
(one writer at a time); cli.py and build.py (`scorecard run`), arguments.py (what show
and report say of bad arguments), progress and failures
(what the console says); settings.py, the only module that reads the environment.
"""
