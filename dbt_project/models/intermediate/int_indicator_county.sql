-- The county (ALL) for every month and indicator: the districts' numerators and
-- denominators summed (population too), then the same formula; never an average of
-- district values. Districts at zero_denominator still add theirs. Status:
--   incomplete       any listed district is not_submitted or insufficient_history
--   no_denominator   otherwise, a rate and any listed district has no population rows
--   otherwise the district rules on the sums (zero_denominator when D = 0, else ok).
with

districts as (select * from {{ ref('int_indicator_districts') }}),

summed as (

    select
        month_start,
        indicator_code,
        any_value(unit) as unit,
        any_value(history) as history,
        any_value(fy_month) as fy_month,
        bool_or(data_status in ('not_submitted', 'insufficient_history')) as any_incomplete,
        bool_or(data_status = 'no_denominator') as any_without_population,
        {{ exact_sum('numerator') }} as numerator,
        {{ exact_sum('denominator') }} as denominator
    from districts
    group by month_start, indicator_code

),

judged as (

    select
        *,
        case
            when any_incomplete then 'incomplete'
            when any_without_population then 'no_denominator'
            when unit <> 'count' and denominator = 0 then 'zero_denominator'
            else 'ok'
        end as data_status
    from summed

),

final as (

    select
        month_start,
        'ALL' as district_code,
        indicator_code,
        case when data_status in ('ok', 'zero_denominator') then numerator end as numerator,
        case
            when data_status in ('ok', 'zero_denominator') and unit <> 'count' then denominator
        end as denominator,
        data_status,
        case
            when data_status = 'ok'
                then {{ indicator_value('unit', 'history', 'numerator', 'denominator', 'fy_month') }}
        end as value
    from judged

)

select * from final
