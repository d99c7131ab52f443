"""The `scorecard` command: generate demo data, build the warehouse, show the scorecard."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from orchestration.arguments import fail, warehouse_and_month_refused
from orchestration.settings import Settings

DEMO_MONTHS = "2010-04:2012-03"
DEMO_SEED = 2012


def _generate(
    out: Path, months: str, seed: int, districts: int | None = None, workers: int = 1
) -> int:
    """Write the demo landing with the separate scorecard-demo package, which a plain
    install of the pipeline's wheel does not bring: say how to get it rather than fail.
    ``districts``: a made-up county of that many districts instead of Kent's twelve;
    ``workers``: processes landing districts at once (the bytes are the same)."""
    try:
        from scorecard_demo import generate_landing
    except ModuleNotFoundError as missing:
        if missing.name != "scorecard_demo":
            raise
        return fail(
            "The demo generator is not installed: it is the separate scorecard-demo package, "
            "which `uv run scorecard ...` in a clone of the repository installs, as does "
            "`pip install ./demo` from the clone's root.",
            1,
        )

    first, _, last = months.partition(":")
    manifest = generate_landing(
        out,
        first_month=first,
        last_month=last or first,
        seed=seed,
        districts=districts,
        workers=workers,
    )
    print(
        f"Wrote a demo landing folder to {out}: {len(manifest.files)} files for "
        f"{len(manifest.districts)} districts, with {len(manifest.bad_rows)} deliberately bad "
        f"rows, {len(manifest.rejected_files)} broken file and {len(manifest.junk_paths)} junk "
        "items for the pipeline to reject or ignore"
    )
    return 0


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


def _run(settings: Settings, verbose: bool = False, reload: bool = False) -> int:
    from orchestration.rerun import publish_again

    def waiting(holder) -> None:
        print(f"Waiting for {holder.describe()} to finish ...", flush=True)

    if not reload and (sentence := publish_again(settings, waiting)):
        print(sentence)
        _print_reference_warnings(settings.warehouse)
        return 0

    from orchestration.build import build_warehouse

    print(
        f"Building from {settings.landing_dir} in one Dagster run of scorecard_build "
        "(ingestion, dbt, checks, publish; --verbose shows the full logs) ...",
        flush=True,
    )
    outcome = build_warehouse(settings, verbose=verbose, reload=reload, out=sys.stdout)
    print(outcome.message)
    if not outcome.published:
        return 1
    _print_reference_warnings(settings.warehouse)
    return 0


def _print_reference_warnings(warehouse: Path) -> None:
    """A population or targets file missing or rejected whole still publishes, without
    rates or RAG: say so on the console, not only in the audit."""
    from orchestration.loading.reference import WITHOUT_REFERENCE

    with duckdb.connect(str(warehouse), read_only=True) as con:
        rejected = con.execute(
            "SELECT extract, path, error FROM audit.submissions WHERE district_code IS NULL "
            "AND status = 'rejected' AND list_contains(?, extract) ORDER BY path",
            [list(WITHOUT_REFERENCE)],
        ).fetchall()
    for extract, path, error in rejected:
        if error.startswith(f"{path} is missing"):
            print(f"Warning: {error}.")
        else:
            print(f"Warning: {path} was rejected whole ({error}): {WITHOUT_REFERENCE[extract]}.")


def _show(warehouse: Path, month: str | None) -> int:
    """Print the county scorecard; a bad argument exits 2, an unreadable warehouse 1."""
    from orchestration.report import county_months, county_scorecard_lines

    if (refused := warehouse_and_month_refused(warehouse, month)) is not None:
        return refused
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            months = county_months(con)
            if month is not None and month not in {f"{start:%Y-%m}" for start, *_ in months}:
                held = f"run from {months[0][1]} to {months[-1][1]}" if months else "are none"
                return fail(f"The warehouse holds no figures for {month}: its months {held}.", 2)
            lines = county_scorecard_lines(con, f"{month}-01" if month else None)
    except duckdb.Error as problem:
        reason = str(problem).splitlines()[0]
        return fail(f"{warehouse} is not a published scorecard warehouse ({reason}).", 1)
    print("\n".join(lines))
    return 0


def _demo(settings: Settings, verbose: bool = False) -> int:
    if not settings.landing_dir.exists():
        status = _generate(settings.landing_dir, DEMO_MONTHS, DEMO_SEED)
        if status:
            return status
    else:
        print(f"Using the existing landing folder {settings.landing_dir}")
    status = _run(settings, verbose)
    if status:
        return status
    print()
    _show(settings.warehouse, None)
    print(
        f"\nThe warehouse is {settings.warehouse} (BI: open it read-only, schema marts)."
        "\nTo watch the pipeline in Dagster: DAGSTER_HOME=$PWD/dagster_home uv run dagster dev"
        "  (then open http://127.0.0.1:3000)"
    )
    from orchestration.pack.command import written_pack

    print(written_pack(settings))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scorecard", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser(
        "generate", help="write a demo landing folder (Kent's 12 districts, or N made-up ones)"
    )
    generate.add_argument("out", type=Path)
    generate.add_argument("--months", default=DEMO_MONTHS, help="FIRST:LAST, e.g. 2010-04:2012-03")
    generate.add_argument("--seed", type=int, default=DEMO_SEED)
    generate.add_argument(
        "--districts",
        type=_positive,
        help="a made-up county of N districts, each modelled on one of Kent's (default: Kent)",
    )
    generate.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="processes landing districts at once, e.g. 2 for England scale (same bytes)",
    )

    run = commands.add_parser("run", help="ingest a landing folder and publish the warehouse")
    run.add_argument("--landing", help="landing folder (default $SCORECARD_LANDING_DIR)")
    run.add_argument("--warehouse", help="published DuckDB file (default $SCORECARD_WAREHOUSE)")
    run.add_argument(
        "--allow-shrink",
        action="store_true",
        help="publish even if the new scorecard has far fewer figures than the published one",
    )
    run.add_argument(
        "--reload",
        action="store_true",
        help="read every file again, even those unchanged since they were loaded",
    )

    show = commands.add_parser("show", help="print the county scorecard from a published file")
    show.add_argument("--warehouse")
    show.add_argument("--month", help="YYYY-MM (default: the latest month complete for the county)")

    report = commands.add_parser("report", help="write the committee pack (one HTML file)")
    report.add_argument("--warehouse")
    report.add_argument(
        "--month", help="YYYY-MM (default: the latest month complete for the county)"
    )
    report.add_argument("--out", help="the HTML file (default: reports/<YYYY-MM>.html beside it)")

    demo = commands.add_parser("demo", help="generate the demo landing if absent, run, show")
    demo.add_argument("--landing")
    demo.add_argument("--warehouse")
    for command in (run, demo):
        command.add_argument(
            "--verbose",
            action="store_true",
            help="show dbt's and Dagster's logs (at INFO) instead of a line per stage",
        )

    args = parser.parse_args(argv)
    if args.command == "generate":
        return _generate(args.out, args.months, args.seed, args.districts, args.workers)
    settings = Settings.resolve(
        getattr(args, "landing", None),
        args.warehouse,
        allow_shrink=getattr(args, "allow_shrink", False) or None,
    )
    if args.command == "run":
        return _run(settings, args.verbose, args.reload)
    if args.command == "show":
        return _show(settings.warehouse, args.month)
    if args.command == "report":
        from orchestration.pack.command import report as write_report

        return write_report(settings, args.month, args.out)
    return _demo(settings, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
