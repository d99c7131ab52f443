"""Great Expectations suites on the marts, as blocking checks before publishing.

Each rule lives once. What dbt declares beside the marts (grain unique, grid complete,
keys that join the dimensions, not-null columns, and the value lists of data_status,
rag, direction and team_type, written once in dbt_project.yml's vars) is not repeated
here: those dbt tests are blocking too, since a failing one fails `dbt build`, hence the
dbt step (dagster-dbt raises), and the publish, which needs the marts, never runs. The
RAG band, direction and rank are computed by scorecard_monthly.sql alone and proven by
its unit tests, so they are not recomputed here either.

What this suite keeps is what no dbt test declares: the bounds a published figure must
lie within whatever rule produced it, checked on the finished marts as a reader sees
them. None is a rule of any model, so none is stated twice:

- a figure with data_status ok has a value (the value is what `ok` promises);
- a share of a whole (IA_7WD_PCT, CA_35WD_PCT, AGENCY_FTE_PCT) lies within 0-100;
  PERM_FILLED_PCT and ESTAB_VARIANCE_PCT may leave 0-100 legitimately;
- a count, rate or ratio, and its numerator, are never negative (a percent may be:
  ESTAB_VARIANCE_PCT is negative under establishment);
- a team's headcounts, FTE, establishment and allocated cases are never negative.

GX 1.x runs here on pandas frames read from the working database (its SQL
datasource does not work with DuckDB 2.0, and dagster-ge only supports GX < 1.0).
Only the months holding a row the published file does not hold (over the columns a
suite reads) are validated, one financial year at a time: a resubmitted month costs a
year's validation, not the history's, and memory stays flat however long the history.
great-expectations is imported while dbt runs (orchestration.preload).
A failing suite stops the publish: the published file stays as it was.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
    asset_check,
    multi_asset_check,
)

from orchestration.assets import WAREHOUSE_POOL
from orchestration.resources import ScorecardResource

SCORECARD_MONTHLY = AssetKey(["marts", "scorecard_monthly"])
FCT_WORKFORCE_MONTHLY = AssetKey(["marts", "fct_workforce_monthly"])
DIMENSIONS = [AssetKey(["marts", name]) for name in ("dim_month", "dim_indicator")]

# Shares of a whole; PERM_FILLED_PCT and ESTAB_VARIANCE_PCT may leave 0-100 legitimately.
SHARE_INDICATORS = ["IA_7WD_PCT", "CA_35WD_PCT", "AGENCY_FTE_PCT"]


def _scorecard_expectations() -> list:
    import great_expectations as gx

    e = gx.expectations
    nonnegative = 'unit != "percent"'
    return [
        e.ExpectColumnValuesToNotBeNull(
            column="value", row_condition='data_status == "ok"', condition_parser="pandas"
        ),
        e.ExpectColumnValuesToBeBetween(
            column="value",
            min_value=0,
            max_value=100,
            row_condition=f"indicator_code in {SHARE_INDICATORS}",
            condition_parser="pandas",
        ),
        e.ExpectColumnValuesToBeBetween(
            column="value", min_value=0, row_condition=nonnegative, condition_parser="pandas"
        ),
        e.ExpectColumnValuesToBeBetween(
            column="numerator", min_value=0, row_condition=nonnegative, condition_parser="pandas"
        ),
    ]


def _workforce_expectations() -> list:
    import great_expectations as gx

    e = gx.expectations
    counts = [
        "case_holding_headcount", "case_holding_fte", "agency_headcount", "agency_fte",
        "permanent_fte", "establishment_fte", "allocated_cases",
    ]  # fmt: skip
    return [e.ExpectColumnValuesToBeBetween(column=column, min_value=0) for column in counts]


@dataclass(frozen=True)
class Suite:
    """A GX suite over one mart: the rows it reads (the columns its expectations look at,
    as SQL over a database named ``{db}``) and its expectations."""

    name: str
    asset: AssetKey
    rows_sql: str
    expectations: Callable[[], list]


SUITES = (
    Suite(
        "scorecard_monthly",
        SCORECARD_MONTHLY,
        "SELECT s.month_start, s.district_code, s.indicator_code, i.unit, s.data_status, "
        "s.value, s.numerator FROM {db}marts.scorecard_monthly AS s "
        "JOIN {db}marts.dim_indicator AS i USING (indicator_code)",
        _scorecard_expectations,
    ),
    Suite(
        "fct_workforce_monthly",
        FCT_WORKFORCE_MONTHLY,
        "SELECT month_start, district_code, team_code, case_holding_headcount, "
        "case_holding_fte, agency_headcount, agency_fte, permanent_fte, establishment_fte, "
        "allocated_cases FROM {db}marts.fct_workforce_monthly",
        _workforce_expectations,
    ),
)


class Validator:
    """One GX context and validation definition for a suite, run on frame after frame.

    Making the context costs far more than validating a year of a county's figures, so it
    is made once per check, not once per batch.
    """

    def __init__(self, expectations: list, name: str):
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        batch = (
            context.data_sources.add_pandas(name)
            .add_dataframe_asset(name)
            .add_batch_definition_whole_dataframe(name)
        )
        suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
        self._definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite)
        )

    def run(self, frame: pd.DataFrame) -> list[dict]:
        """One summary per expectation."""
        results = self._definition.run(batch_parameters={"dataframe": frame})
        return [
            {
                "expectation": result.expectation_config.type,
                "column": result.expectation_config.kwargs.get("column"),
                "success": bool(result.success),
                "unexpected_count": result.result.get("unexpected_count"),
                "sample": [
                    str(v) for v in (result.result.get("partial_unexpected_list") or [])[:5]
                ],
            }
            for result in results.results
        ]


def validate(frame: pd.DataFrame, expectations: list, name: str) -> list[dict]:
    """Run a GX suite on one frame; one summary per expectation."""
    return Validator(expectations, name).run(frame)


def months_to_validate(con: duckdb.DuckDBPyConnection, suite: Suite, published: Path) -> list:
    """The months in which the working mart has a row the published file does not have,
    over the columns the suite reads: a row the file already holds passed this suite
    when it was published, so it is not validated again.

    Every month is validated when there is no published file to compare with, when it
    cannot be read as a scorecard of this shape, or when the suite's own code is newer
    than the file (a changed suite has not judged what is published).
    """

    def months_in(rows: str) -> list:
        query = f"SELECT DISTINCT month_start FROM ({rows}) ORDER BY 1"
        return [month for (month,) in con.execute(query).fetchall()]

    working = suite.rows_sql.format(db="")
    if published.exists() and published.stat().st_mtime >= Path(__file__).stat().st_mtime:
        try:
            con.execute("ATTACH ? AS published (READ_ONLY)", [str(published)])
        except duckdb.Error:
            pass  # not a database: every month
        else:
            try:
                return months_in(f"{working} EXCEPT {suite.rows_sql.format(db='published.')}")
            except duckdb.Error:
                pass  # not a scorecard of this shape: every month
            finally:
                con.execute("DETACH published")
    return months_in(working)


def _check_result(suite: Suite, summaries: list[dict], months: list) -> AssetCheckResult:
    failed = [summary for summary in summaries if not summary["success"]]
    return AssetCheckResult(
        asset_key=suite.asset,
        check_name="great_expectations",
        passed=not failed,
        metadata={
            "expectations_run": len(summaries),  # each expectation once per financial year
            "expectations_failed": len(failed),
            "months_validated": len(months),
            "failures": MetadataValue.json(failed[:20]),
        },
        description=(
            f"{len(failed)} expectation(s) failed"
            if failed
            else f"All expectations met in the {len(months)} month(s) not published as they are"
        ),
    )


@multi_asset_check(
    specs=[
        AssetCheckSpec(
            "great_expectations",
            asset=SCORECARD_MONTHLY,
            blocking=True,
            additional_deps=DIMENSIONS,
            description=(
                "GX suite: value present when ok; shares within 0-100; counts, rates and "
                "ratios and their numerators non-negative; over the months with rows the "
                "published file does not hold. Blocks the publish."
            ),
        ),
        AssetCheckSpec(
            "great_expectations",
            asset=FCT_WORKFORCE_MONTHLY,
            blocking=True,
            description=(
                "GX suite: headcounts, FTE and allocated cases >= 0, over the months with "
                "rows the published file does not hold. Blocks the publish."
            ),
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def marts_expectations(scorecard: ScorecardResource) -> Iterator[AssetCheckResult]:
    """Each suite over the months whose rows changed, one financial year at a time."""
    settings = scorecard.settings()
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        for suite in SUITES:
            months = months_to_validate(con, suite, settings.warehouse)
            summaries = []
            if months:
                validator = Validator(suite.expectations(), suite.name)
                years = con.execute(
                    "SELECT list(month_start ORDER BY month_start) FROM marts.dim_month "
                    "WHERE month_start IN ? GROUP BY financial_year ORDER BY financial_year",
                    [months],
                ).fetchall()
                for (year_months,) in years:
                    frame = con.execute(
                        f"SELECT * FROM ({suite.rows_sql.format(db='')}) WHERE month_start IN ?",
                        [year_months],
                    ).df()
                    summaries += validator.run(frame)
            yield _check_result(suite, summaries, months)


# --- a scorecard that shrank --------------------------------------------------------------

NOT_SHRUNK = "not_shrunk"
OVERRIDE = "if this is intended run again with --allow-shrink"
VANISHED_LISTED = 3
FIGURES_SQL = (
    "SELECT strftime(month_start, '%Y-%m') AS month, district_code, count(value) AS figures "
    "FROM marts.scorecard_monthly GROUP BY ALL"
)


@dataclass(frozen=True)
class Shrinkage:
    """The new scorecard's figures (non-null values) against the published one's, over
    the months the published one covers."""

    new: int
    published: int
    vanished: list[tuple[str, str, int]]  # (month, district, published figures) now all gone

    @property
    def shrank(self) -> bool:
        return 2 * self.new < self.published or bool(self.vanished)

    def sentence(self) -> str:
        if 2 * self.new < self.published:
            return (
                f"the new scorecard has {_figures(self.new)} where the published one has "
                f"{self.published:,} for the same months"
            )
        places = [f"{district} in {month}" for month, district, _ in self.vanished]
        if len(places) > VANISHED_LISTED:
            others = len(places) - VANISHED_LISTED
            noun = "district-month" if others == 1 else "district-months"
            places = [*places[:VANISHED_LISTED], f"{others:,} other {noun}"]
        listed = ", ".join(places[:-1]) + " and " + places[-1] if len(places) > 1 else places[0]
        return (
            f"the new scorecard has no figures for {listed} where the published one has "
            f"{sum(figures for _, _, figures in self.vanished):,}"
        )


def _figures(count: int) -> str:
    return f"{count:,} figure" + ("" if count == 1 else "s")


def shrinkage(published: pd.DataFrame | None, new: pd.DataFrame) -> Shrinkage:
    """Compare figures per (month, district): both frames as FIGURES_SQL returns them."""
    if published is None or published.empty:
        return Shrinkage(0, 0, [])
    keys = ["month", "district_code"]
    before = published.set_index(keys)["figures"]
    after = new.set_index(keys)["figures"].reindex(before.index, fill_value=0)
    gone = before[(before > 0) & (after == 0)].sort_index()
    return Shrinkage(
        new=int(new.loc[new["month"].isin(published["month"]), "figures"].sum()),
        published=int(before.sum()),
        vanished=[(month, district, int(count)) for (month, district), count in gone.items()],
    )


def published_figures(warehouse: Path) -> pd.DataFrame | None:
    """The published file's figures per month and district, or None if there is none.

    Opened read-only and closed at once: it is read before the working database is
    opened, and never held while anything is written.
    """
    if not warehouse.exists():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return con.execute(FIGURES_SQL).df()
    except duckdb.Error:
        return None  # not a scorecard we published: nothing to protect


@asset_check(
    asset=SCORECARD_MONTHLY,
    name=NOT_SHRUNK,
    blocking=True,
    pool=WAREHOUSE_POOL,
    description=(
        "The new scorecard has not collapsed against the published file: over the months "
        "the published file covers, it has at least half as many figures (non-null values), "
        "and no district-month (county included) that had figures has lost them all. "
        "A changed pseudonym key or a partial reload could otherwise publish an empty "
        "warehouse over a good one. Blocks the publish unless allowed: `scorecard run "
        "--allow-shrink`, the scorecard resource's allow_shrink, or SCORECARD_ALLOW_SHRINK=1."
    ),
)
def scorecard_not_shrunk(scorecard: ScorecardResource) -> AssetCheckResult:
    settings = scorecard.settings()
    published = published_figures(settings.warehouse)
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        new = con.execute(FIGURES_SQL).df()
    found = shrinkage(published, new)
    metadata = {
        "figures_new": found.new,
        "figures_published": found.published,
        "district_months_vanished": len(found.vanished),
        "allow_shrink": settings.allow_shrink,
    }
    if not found.shrank:
        return AssetCheckResult(
            passed=True,
            metadata=metadata,
            description=f"{found.new:,} figures where the published file has {found.published:,}",
        )
    sentence = found.sentence()
    if settings.allow_shrink:
        return AssetCheckResult(
            passed=False,
            severity=AssetCheckSeverity.WARN,
            metadata=metadata,
            description=f"Published as allowed (allow_shrink), although {sentence}",
        )
    return AssetCheckResult(
        passed=False,
        severity=AssetCheckSeverity.ERROR,
        metadata=metadata,
        description=f"{sentence[0].upper()}{sentence[1:]}; {OVERRIDE}",
    )
