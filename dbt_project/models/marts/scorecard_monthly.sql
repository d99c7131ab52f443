-- Grain: month x district (county included) x indicator, every combination: each
-- figure against its target, RAG-rated, with its direction and its district rank
-- (int_scorecard_figures), its variation and assurance as fct_indicator_spc judges them
-- (not recomputed here), and how it was first published (fct_scorecard_revision):
--   first_published_value: the value of the figure's first revision row;
--   revised: true when the figure has more than one (it changed since), never null.
with

figures as (select * from {{ ref('int_scorecard_figures') }}),

spc as (select * from {{ ref('fct_indicator_spc') }}),

revisions as (

    select
        month_start,
        district_code,
        indicator_code,
        value,
        row_number() over (
            partition by month_start, district_code, indicator_code order by publication_id
        ) as row_in_history,
        count(*) over (
            partition by month_start, district_code, indicator_code
        ) as rows_in_history
    from {{ ref('fct_scorecard_revision') }}

),

first_published as (

    select
        month_start,
        district_code,
        indicator_code,
        value as first_published_value,
        rows_in_history > 1 as revised
    from revisions
    where row_in_history = 1

),

final as (

    select
        figures.*,
        spc.variation,
        spc.assurance,
        first_published.first_published_value,
        coalesce(first_published.revised, false) as revised
    from figures
    left join spc using (month_start, district_code, indicator_code)
    left join first_published using (month_start, district_code, indicator_code)

)

select * from final
