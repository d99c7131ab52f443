-- Grain: month x district (county included) x indicator x publication in which the
-- figure was new or changed (signals.md, "Publications and revisions").
--   Every earlier row is kept as published, including those of months no longer in
--   the warehouse. This run's candidate publication adds a row for each figure of the
--   scorecard whose latest earlier row is missing, or differs from it in value
--   (both rounded to 6 decimal places), data_status or rag; null equals null.
--   The same figures published again add no rows.
with

history as (select * from {{ ref('stg_scorecard_revisions') }}),

candidate as (select max(publication_id) as publication_id from {{ ref('dim_publication') }}),

figures as (

    select month_start, district_code, indicator_code, value, data_status, rag
    from {{ ref('int_scorecard_figures') }}

),

latest as (

    select *
    from history
    qualify row_number() over (
        partition by month_start, district_code, indicator_code
        order by publication_id desc
    ) = 1

),

changed as (

    select
        figures.month_start,
        figures.district_code,
        figures.indicator_code,
        candidate.publication_id,
        figures.value,
        figures.data_status,
        figures.rag
    from figures
    cross join candidate
    left join latest
        on figures.month_start = latest.month_start
        and figures.district_code = latest.district_code
        and figures.indicator_code = latest.indicator_code
    where latest.publication_id is null
        or {{ rounded('figures.value') }} is distinct from {{ rounded('latest.value') }}
        or figures.data_status is distinct from latest.data_status
        or figures.rag is distinct from latest.rag

),

final as (

    select
        month_start, district_code, indicator_code, publication_id, value, data_status, rag
    from history
    union all
    select
        month_start, district_code, indicator_code, publication_id, value, data_status, rag
    from changed

)

select * from final
