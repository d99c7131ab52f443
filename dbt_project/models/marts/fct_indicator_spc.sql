-- Grain: month x district (county included) x indicator, every combination: each
-- figure's XmR limits and special-cause rule (int_spc_signals, as at that month) read as
-- variation for the indicator's polarity, and as assurance against M's target.
--   variation: null without a judged point (no value, or fewer than 12 points);
--     common_cause when no rule fired; else special_cause_neither for a neutral
--     indicator, special_cause_improvement when the rule fired on the better side
--     (high for higher_is_better, low for lower_is_better), else special_cause_concern.
--   assurance (judged, a target, not neutral):
--     lower_is_better  consistent_pass if upper_limit <= target;
--                      consistent_fail if lower_limit > target; else inconsistent.
--     higher_is_better consistent_pass if lower_limit >= target;
--                      consistent_fail if upper_limit < target; else inconsistent.
-- Every comparison is made on both sides rounded to 6 decimal places.
with

figures as (select * from {{ ref('fct_indicator_monthly') }}),

signals as (select * from {{ ref('int_spc_signals') }}),

months as (select month_start, financial_year from {{ ref('dim_month') }}),

indicators as (select indicator_code, polarity from {{ ref('dim_indicator') }}),

targets as (select * from {{ ref('fct_target') }}),

joined as (

    select
        figures.month_start,
        figures.district_code,
        figures.indicator_code,
        figures.value,
        signals.points,
        signals.mean,
        signals.lower_limit,
        signals.upper_limit,
        signals.spc_rule,
        signals.side,
        coalesce(signals.is_judged, false) as is_judged,
        indicators.polarity,
        targets.target
    from figures
    inner join months using (month_start)
    inner join indicators using (indicator_code)
    left join targets using (financial_year, district_code, indicator_code)
    left join signals using (month_start, district_code, indicator_code)

),

final as (

    select
        month_start,
        district_code,
        indicator_code,
        value,
        points,
        mean,
        lower_limit,
        upper_limit,
        spc_rule,
        case
            when not is_judged then null
            when spc_rule is null then 'common_cause'
            when polarity = 'neutral' then 'special_cause_neither'
            when (side = 'high') = (polarity = 'higher_is_better')
                then 'special_cause_improvement'
            else 'special_cause_concern'
        end as variation,
        case
            when not is_judged or target is null or polarity = 'neutral' then null
            when polarity = 'lower_is_better' then
                case
                    when {{ rounded('upper_limit') }} <= {{ rounded('target') }}
                        then 'consistent_pass'
                    when {{ rounded('lower_limit') }} > {{ rounded('target') }}
                        then 'consistent_fail'
                    else 'inconsistent'
                end
            else
                case
                    when {{ rounded('lower_limit') }} >= {{ rounded('target') }}
                        then 'consistent_pass'
                    when {{ rounded('upper_limit') }} < {{ rounded('target') }}
                        then 'consistent_fail'
                    else 'inconsistent'
                end
        end as assurance
    from joined

)

select * from final
