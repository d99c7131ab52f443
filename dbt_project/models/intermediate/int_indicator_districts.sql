-- Every district's figure for every month and indicator, with its data status,
-- checked in indicators.md's order:
--   1 not_submitted         an extract it needs was not submitted for the month
--   2 insufficient_history  a rolling or year-to-date window lacks an earlier month
--   3 no_denominator        a rate, and the district has no population rows
--   4 zero_denominator      D = 0
--   5 ok                    the value is computed
-- Numerator and denominator are kept when ok or zero_denominator (the denominator of a
-- count is always null); the value only when ok.
with

inputs as (select * from {{ ref('int_indicator_inputs') }}),

readiness as (select * from {{ ref('int_indicator_readiness') }}),

grid as (select * from {{ ref('int_district_months') }}),

indicators as (select * from {{ ref('indicators') }}),

has_population as (

    select distinct district_code from {{ ref('stg_population') }}

),

judged as (

    select
        inputs.month_start,
        inputs.district_code,
        inputs.indicator_code,
        indicators.unit,
        indicators.history,
        grid.fy_month,
        inputs.numerator,
        inputs.denominator,
        case
            when not readiness.needs_submitted then 'not_submitted'
            when not readiness.has_history then 'insufficient_history'
            when indicators.unit = 'rate_per_10k' and has_population.district_code is null
                then 'no_denominator'
            when indicators.unit <> 'count' and inputs.denominator = 0 then 'zero_denominator'
            else 'ok'
        end as data_status
    from inputs
    inner join readiness using (month_start, district_code, indicator_code)
    inner join grid using (month_start, district_code)
    inner join indicators using (indicator_code)
    left join has_population using (district_code)

),

final as (

    select
        month_start,
        district_code,
        indicator_code,
        unit,
        history,
        fy_month,
        case when data_status in ('ok', 'zero_denominator') then numerator end as numerator,
        case
            when data_status in ('ok', 'zero_denominator') and unit <> 'count' then denominator
        end as denominator,
        data_status
    from judged

)

select
    *,
    case
        when data_status = 'ok'
            then {{ indicator_value('unit', 'history', 'numerator', 'denominator', 'fy_month') }}
    end as value
from final
