-- Grain: one row per publication: every earlier one (as published), and this run's
-- candidate, numbered after them (1 when there is none). The candidate becomes a
-- publication only if this run publishes; otherwise the next run numbers it again.
-- published_at is when the dbt build of the publishing run started (dbt's
-- run_started_at, UTC): a time fixed by the run, not a --vars value, which would make
-- dbt parse the whole project again on every run. A `scorecard run` that finds nothing
-- changed adds the next row itself, without dbt (orchestration.rerun).
with

history as (select * from {{ ref('stg_publications') }}),

months as (

    select
        min(month_start) as first_month,
        max(month_start) as last_month
    from {{ ref('dim_month') }}

),

candidate as (

    select
        coalesce((select max(publication_id) from history), 0) + 1 as publication_id,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
            as published_at,
        months.first_month,
        months.last_month
    from months

),

final as (

    select publication_id, published_at, first_month, last_month from history
    union all
    select publication_id, published_at, first_month, last_month from candidate

)

select * from final
