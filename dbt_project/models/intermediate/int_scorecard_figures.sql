-- Grain: month x district (county included) x indicator, every combination: each
-- figure against its target, RAG-rated, with its direction and its district rank.
--   RAG (value and target exist, polarity not neutral; tol = tolerance_pct):
--     lower_is_better  green if value <= target; amber if value <= target * (1 + tol/100)
--     higher_is_better green if value >= target; amber if value >= target * (1 - tol/100)
--     else red.
--   Direction against the previous calendar month (both values exist, not neutral):
--     unchanged if equal; improving if the value moved the better way; else worsening.
--   Rank among the listed districts with a value: 1 = best; ties share (RANK()).
-- Every comparison is made on both sides rounded to 6 decimal places.
-- The scorecard's figures as this run computes them, before their publication history:
-- fct_scorecard_revision compares them with it, scorecard_monthly adds it to them.
with

figures as (select * from {{ ref('fct_indicator_monthly') }}),

months as (select month_start, financial_year from {{ ref('dim_month') }}),

indicators as (select indicator_code, polarity from {{ ref('dim_indicator') }}),

targets as (select * from {{ ref('fct_target') }}),

joined as (

    select
        figures.*,
        indicators.polarity,
        targets.target,
        targets.tolerance_pct,
        lag(figures.value) over (
            partition by figures.district_code, figures.indicator_code
            order by figures.month_start
        ) as previous_value,
        figures.district_code <> 'ALL'
            and indicators.polarity <> 'neutral'
            and figures.value is not null as is_ranked
    from figures
    inner join months using (month_start)
    inner join indicators using (indicator_code)
    left join targets using (financial_year, district_code, indicator_code)

),

final as (

    select
        month_start,
        district_code,
        indicator_code,
        value,
        numerator,
        denominator,
        data_status,
        target,
        tolerance_pct,
        case
            when value is null or target is null or polarity = 'neutral' then null
            when polarity = 'lower_is_better' then
                case
                    when {{ rounded('value') }} <= {{ rounded('target') }} then 'green'
                    when {{ rounded('value') }} <= {{ rounded('target * (1 + tolerance_pct / 100)') }}
                        then 'amber'
                    else 'red'
                end
            else
                case
                    when {{ rounded('value') }} >= {{ rounded('target') }} then 'green'
                    when {{ rounded('value') }} >= {{ rounded('target * (1 - tolerance_pct / 100)') }}
                        then 'amber'
                    else 'red'
                end
        end as rag,
        previous_value,
        case
            when value is null or previous_value is null or polarity = 'neutral' then null
            when {{ rounded('value') }} = {{ rounded('previous_value') }} then 'unchanged'
            when (polarity = 'lower_is_better')
                = ({{ rounded('value') }} < {{ rounded('previous_value') }}) then 'improving'
            else 'worsening'
        end as direction,
        case
            when is_ranked then rank() over (
                partition by month_start, indicator_code, is_ranked
                order by
                    case when polarity = 'lower_is_better' then 1 else -1 end
                    * {{ rounded('value') }}
            )
        end as district_rank
    from joined

)

select * from final
