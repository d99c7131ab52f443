-- For every district, month and indicator: were the extracts it needs submitted for
-- the month, and for every earlier month of its window?
--   submitted: <landing>/<M>/<D>/ holds a file for the extract that was not rejected
--   whole (a header-only file counts, with zero records).
--   rolling_12_months: the 11 months before M; financial_year_to_date: April to M-1.
--   Months before the data begins count as not submitted.
with

grid as (select * from {{ ref('int_district_months') }}),

indicators as (select * from {{ ref('indicators') }}),

needs as (

    select indicator_code, history, unnest(string_split(needs, '|')) as extract
    from indicators

),

submitted as (

    select distinct month_start, district_code, extract
    from {{ ref('stg_submissions') }}
    where status = 'loaded' and extract is not null and district_code is not null

),

month_needs as (

    select
        grid.month_start,
        grid.month_index,
        grid.financial_year,
        grid.fy_month,
        grid.district_code,
        needs.indicator_code,
        needs.history,
        bool_and(submitted.extract is not null) as needs_submitted
    from grid
    cross join needs
    left join submitted
        on submitted.month_start = grid.month_start
        and submitted.district_code = grid.district_code
        and submitted.extract = needs.extract
    group by all

),

windows as (

    select
        *,
        coalesce(sum(needs_submitted::integer) over (
            partition by district_code, indicator_code
            order by month_index
            range between 11 preceding and 1 preceding
        ), 0) as submitted_previous_11_months,
        coalesce(sum(needs_submitted::integer) over (
            partition by district_code, indicator_code, financial_year
            order by month_index
            rows between unbounded preceding and 1 preceding
        ), 0) as submitted_earlier_months_of_year
    from month_needs

),

final as (

    select
        month_start,
        district_code,
        indicator_code,
        needs_submitted,
        case history
            when 'rolling_12_months' then submitted_previous_11_months = 11
            when 'financial_year_to_date' then submitted_earlier_months_of_year = fy_month - 1
            else true
        end as has_history
    from windows

)

select * from final
