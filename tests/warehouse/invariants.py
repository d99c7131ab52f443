"""Rules of indicators.md and signals.md that hold for every row of any warehouse, in SQL.

Each query returns the rows that break its rule, so a failure shows them.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import query

SCORECARD = "marts.scorecard_monthly"
COUNTY_STATUSES = ("ok", "zero_denominator", "no_denominator", "incomplete")
DISTRICT_STATUSES = (
    "ok",
    "zero_denominator",
    "no_denominator",
    "not_submitted",
    "insufficient_history",
)

# The county's row beside the sums and statuses of its districts' rows.
COUNTY_VS_DISTRICTS = f"""
    WITH d AS (
        SELECT month_start, indicator_code,
               sum(numerator) AS numerator,
               sum(denominator) AS denominator,
               bool_or(data_status IN ('not_submitted', 'insufficient_history')) AS any_missing,
               bool_or(data_status = 'no_denominator') AS any_no_population
        FROM {SCORECARD} WHERE district_code <> 'ALL' GROUP BY ALL)
    SELECT c.*, d.* FROM {SCORECARD} c JOIN d USING (month_start, indicator_code)
    JOIN marts.dim_indicator USING (indicator_code)
    WHERE c.district_code = 'ALL'"""

BROKEN = {
    "value only when ok": f"""
        SELECT * FROM {SCORECARD} WHERE (value IS NULL) = (data_status = 'ok')""",
    "numerator only when ok or zero_denominator": f"""
        SELECT * FROM {SCORECARD}
        WHERE (numerator IS NULL) = (data_status IN ('ok', 'zero_denominator'))""",
    "denominator only when ok or zero_denominator, never for a count": f"""
        SELECT s.* FROM {SCORECARD} s JOIN marts.dim_indicator USING (indicator_code)
        WHERE (s.denominator IS NOT NULL)
              <> (unit <> 'count' AND data_status IN ('ok', 'zero_denominator'))""",
    "zero_denominator means D = 0": f"""
        SELECT * FROM {SCORECARD}
        WHERE (data_status = 'zero_denominator') <> coalesce(denominator = 0, false)""",
    "no_denominator only for rates": f"""
        SELECT s.* FROM {SCORECARD} s JOIN marts.dim_indicator USING (indicator_code)
        WHERE data_status = 'no_denominator' AND unit <> 'rate_per_10k'""",
    "statuses of districts and of the county": f"""
        SELECT * FROM {SCORECARD}
        WHERE CASE WHEN district_code = 'ALL' THEN data_status NOT IN {COUNTY_STATUSES}
                   ELSE data_status NOT IN {DISTRICT_STATUSES} END""",
    "no RAG, direction or rank for a neutral indicator": f"""
        SELECT s.* FROM {SCORECARD} s JOIN marts.dim_indicator USING (indicator_code)
        WHERE polarity = 'neutral'
          AND (rag IS NOT NULL OR direction IS NOT NULL OR district_rank IS NOT NULL)""",
    "RAG exactly where value and target exist (not neutral)": f"""
        SELECT s.* FROM {SCORECARD} s JOIN marts.dim_indicator USING (indicator_code)
        WHERE (rag IS NOT NULL)
              <> (value IS NOT NULL AND target IS NOT NULL AND polarity <> 'neutral')""",
    "direction exactly where both values exist (not neutral)": f"""
        SELECT s.* FROM {SCORECARD} s JOIN marts.dim_indicator USING (indicator_code)
        WHERE (direction IS NOT NULL)
              <> (value IS NOT NULL AND previous_value IS NOT NULL
                  AND polarity <> 'neutral')""",
    "rank exactly for districts with a value (not neutral)": f"""
        SELECT s.* FROM {SCORECARD} s JOIN marts.dim_indicator USING (indicator_code)
        WHERE (district_rank IS NOT NULL)
              <> (value IS NOT NULL AND polarity <> 'neutral' AND district_code <> 'ALL')""",
    "RAG by the thresholds, compared at 6 decimal places": f"""
        SELECT s.* FROM {SCORECARD} s JOIN marts.dim_indicator USING (indicator_code)
        WHERE rag IS DISTINCT FROM CASE
          WHEN value IS NULL OR target IS NULL OR polarity = 'neutral' THEN NULL
          WHEN polarity = 'lower_is_better' THEN CASE
            WHEN round(value, 6) <= round(target, 6) THEN 'green'
            WHEN round(value, 6) <= round(target * (1 + tolerance_pct / 100), 6) THEN 'amber'
            ELSE 'red' END
          ELSE CASE
            WHEN round(value, 6) >= round(target, 6) THEN 'green'
            WHEN round(value, 6) >= round(target * (1 - tolerance_pct / 100), 6) THEN 'amber'
            ELSE 'red' END
          END""",
    "direction by the polarity, compared at 6 decimal places": f"""
        SELECT s.* FROM {SCORECARD} s JOIN marts.dim_indicator USING (indicator_code)
        WHERE direction IS DISTINCT FROM CASE
          WHEN value IS NULL OR previous_value IS NULL OR polarity = 'neutral' THEN NULL
          WHEN round(value, 6) = round(previous_value, 6) THEN 'unchanged'
          WHEN (polarity = 'lower_is_better') = (round(value, 6) < round(previous_value, 6))
            THEN 'improving'
          ELSE 'worsening' END""",
    "rank is 1 + the districts with a better value": f"""
        SELECT s.*, 1 + count(o.value) AS expected FROM {SCORECARD} s
        JOIN marts.dim_indicator i USING (indicator_code)
        LEFT JOIN {SCORECARD} o
          ON o.month_start = s.month_start AND o.indicator_code = s.indicator_code
         AND o.district_code <> 'ALL'
         AND CASE i.polarity WHEN 'lower_is_better' THEN round(o.value, 6) < round(s.value, 6)
                             ELSE round(o.value, 6) > round(s.value, 6) END
        WHERE s.district_rank IS NOT NULL
        GROUP BY ALL HAVING s.district_rank <> 1 + count(o.value)""",
    "value is N for a count, N / D * 100, N / D * 10,000 (* 12 / k) or N / D": f"""
        SELECT s.* FROM {SCORECARD} s JOIN marts.dim_indicator i USING (indicator_code)
        JOIN marts.dim_month m USING (month_start)
        WHERE data_status = 'ok' AND NOT abs(value - CASE unit
            WHEN 'count' THEN numerator
            WHEN 'percent' THEN numerator / denominator * 100
            WHEN 'rate_per_10k' THEN numerator / denominator * 10000
                 * CASE WHEN indicator_code = 'IA_RATE_YTD' THEN 12 / fy_month ELSE 1 END
            WHEN 'ratio' THEN numerator / denominator END) <= 1e-9 * greatest(1, abs(value))""",
    "county incomplete exactly when a district is not_submitted or insufficient": f"""
        {COUNTY_VS_DISTRICTS}
        AND (c.data_status = 'incomplete') <> d.any_missing""",
    "county no_denominator exactly when complete and a district lacks population": f"""
        {COUNTY_VS_DISTRICTS}
        AND (c.data_status = 'no_denominator')
            <> (NOT d.any_missing AND unit = 'rate_per_10k' AND d.any_no_population)""",
    "county numerator and denominator are the sums of the districts'": f"""
        {COUNTY_VS_DISTRICTS}
        AND c.data_status IN ('ok', 'zero_denominator')
        AND NOT (abs(c.numerator - d.numerator) <= 1e-9 * greatest(1, abs(d.numerator))
                   AND (c.denominator IS NULL AND d.denominator IS NULL
                        OR abs(c.denominator - d.denominator)
                           <= 1e-9 * greatest(1, abs(d.denominator))))""",
    "previous_value is the previous calendar month's value": f"""
        SELECT s.*, p.value AS expected FROM {SCORECARD} s
        LEFT JOIN {SCORECARD} p
          ON p.month_start = s.month_start - INTERVAL 1 MONTH
         AND p.district_code = s.district_code AND p.indicator_code = s.indicator_code
        WHERE s.previous_value IS DISTINCT FROM p.value""",
    "target and tolerance are fct_target's for the month's financial year": f"""
        SELECT s.*, t.target AS expected FROM {SCORECARD} s
        JOIN marts.dim_month m USING (month_start)
        LEFT JOIN marts.fct_target t
          ON t.financial_year = m.financial_year AND t.district_code = s.district_code
         AND t.indicator_code = s.indicator_code
        WHERE s.target IS DISTINCT FROM t.target
           OR s.tolerance_pct IS DISTINCT FROM t.tolerance_pct""",
    "fct_indicator_monthly is the scorecard's figures": f"""
        SELECT * FROM (
          SELECT month_start, district_code, indicator_code, numerator, denominator,
                 value, data_status FROM {SCORECARD}
          EXCEPT ALL
          SELECT month_start, district_code, indicator_code, numerator, denominator,
                 value, data_status FROM marts.fct_indicator_monthly)
        UNION ALL
        SELECT * FROM (
          SELECT month_start, district_code, indicator_code, numerator, denominator,
                 value, data_status FROM marts.fct_indicator_monthly
          EXCEPT ALL
          SELECT month_start, district_code, indicator_code, numerator, denominator,
                 value, data_status FROM {SCORECARD})""",
    "spc points count the months with a value so far, at most 24; judged from 12, "
    "the mean given whenever there is a value": """
        SELECT * FROM (
          SELECT *, count(value) OVER (PARTITION BY district_code, indicator_code
                                       ORDER BY month_start) AS so_far
          FROM marts.fct_indicator_spc)
        WHERE points IS DISTINCT FROM CASE WHEN value IS NOT NULL THEN least(so_far, 24) END
           OR (variation IS NOT NULL) <> coalesce(so_far >= 12 AND value IS NOT NULL, false)
           OR (mean IS NULL) <> (value IS NULL)
           OR (lower_limit IS NULL) <> (variation IS NULL)
           OR (spc_rule IS NULL) <> (variation IS NULL OR variation = 'common_cause')""",
    "scorecard variation and assurance are fct_indicator_spc's": f"""
        SELECT s.* FROM {SCORECARD} s JOIN marts.fct_indicator_spc f
          USING (month_start, district_code, indicator_code)
        WHERE s.variation IS DISTINCT FROM f.variation
           OR s.assurance IS DISTINCT FROM f.assurance""",
}

GRID = """
    SELECT m.month_start, d.district_code, i.indicator_code, count(f.indicator_code) AS rows
    FROM marts.dim_month m CROSS JOIN marts.dim_district d CROSS JOIN marts.dim_indicator i
    LEFT JOIN {table} f
      ON f.month_start = m.month_start AND f.district_code = d.district_code
     AND f.indicator_code = i.indicator_code
    GROUP BY ALL HAVING count(f.indicator_code) <> 1
"""


def broken_rules(database: Path) -> dict[str, list[tuple]]:
    broken = {rule: query(database, sql + " LIMIT 5") for rule, sql in BROKEN.items()}
    return {rule: rows for rule, rows in broken.items() if rows}


def grid_gaps(database: Path) -> dict[str, list[tuple]]:
    """Every month x district (county included) x indicator exactly once, nothing else."""
    gaps = {}
    for table in [
        "marts.scorecard_monthly",
        "marts.fct_indicator_monthly",
        "marts.fct_indicator_spc",
    ]:
        missing_or_twice = query(database, GRID.format(table=table) + " LIMIT 5")
        (total,) = query(database, f"SELECT count(*) FROM {table}")[0]
        (cells,) = query(
            database,
            "SELECT (SELECT count(*) FROM marts.dim_month) * "
            "(SELECT count(*) FROM marts.dim_district) * "
            "(SELECT count(*) FROM marts.dim_indicator)",
        )[0]
        if missing_or_twice or total != cells:
            gaps[table] = [*missing_or_twice, ("rows", total, "cells", cells)]
    return gaps
