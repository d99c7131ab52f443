-- Grain: one row per point, i.e. month x district (county included) x indicator with a
-- value. The XmR limits and the special-cause rule of signals.md section 1, judged as at
-- each point M on M and the points before it only (no hindsight).
--   Points: the months with a value, in month order; a month without one is skipped.
--   Window at M: M and up to 23 points before it; points = least(n, 24). Fewer than 12
--     points: nothing is judged (limits, spc_rule and side null; the mean, neither a
--     limit nor a signal, is still given).
--   mean = avg of the window; mR = avg of its points - 1 absolute differences;
--     limits mean +/- 2.66 mR; near limits mean +/- (2/3) 2.66 mR.
--   Rules on M with M's own mean and limits, first match wins:
--     outside_limits (M beyond a limit), trend (M ends 7 points each above / below the
--     one before: 6 rises or 6 falls), two_of_three (M and at least one of the 2 points
--     before it beyond the same near limit), shift (M ends 7 points all above / all
--     below M's mean; a point equal to the mean breaks the run).
-- Every comparison is made on both sides rounded to 6 decimal places.
{%- set judged_from = 12 %}
{%- set window_points = 24 %}
{%- set run_points = 7 %}
{%- set sigma = 2.66 %}
with

figures as (select * from {{ ref('fct_indicator_monthly') }}),

points as (

    select
        month_start,
        district_code,
        indicator_code,
        value,
        row_number() over series as point_number,
        {%- for before in range(1, run_points) %}
        lag(value, {{ before }}) over series as value_{{ before }}_before,
        {%- endfor %}
        abs(value - lag(value) over series) as moving_range,
        {{ rounded('value') }} > {{ rounded('lag(value) over series') }} as is_rise,
        {{ rounded('value') }} < {{ rounded('lag(value) over series') }} as is_fall
    from figures
    where value is not null
    window series as (partition by district_code, indicator_code order by month_start)

),

windows as (

    select
        *,
        least(point_number, {{ window_points }}) as points,
        avg(value) over (
            series rows between {{ window_points - 1 }} preceding and current row
        ) as window_mean,
        -- One row fewer: the window's first point's own moving range (to the point
        -- before the window, or null for the first point) is not inside the window.
        avg(moving_range) over (
            series rows between {{ window_points - 2 }} preceding and current row
        ) as moving_range_mean,
        -- The 6 steps between the last 7 points (M and the 6 before it).
        sum(is_rise::integer) over (
            series rows between {{ run_points - 2 }} preceding and current row
        ) as rises,
        sum(is_fall::integer) over (
            series rows between {{ run_points - 2 }} preceding and current row
        ) as falls
    from points
    window series as (partition by district_code, indicator_code order by point_number)

),

limits as (

    select
        *,
        window_mean as mean,
        window_mean + {{ sigma }} * moving_range_mean as upper_limit,
        window_mean - {{ sigma }} * moving_range_mean as lower_limit,
        window_mean + (2.0 / 3.0) * {{ sigma }} * moving_range_mean as upper_near_limit,
        window_mean - (2.0 / 3.0) * {{ sigma }} * moving_range_mean as lower_near_limit
    from windows
    where point_number >= {{ judged_from }}

),

signals as (

    select
        month_start,
        district_code,
        indicator_code,
        case
            when {{ rounded('value') }} > {{ rounded('upper_limit') }}
                then {'rule': 'outside_limits', 'side': 'high'}
            when {{ rounded('value') }} < {{ rounded('lower_limit') }}
                then {'rule': 'outside_limits', 'side': 'low'}
            when rises = {{ run_points - 1 }} then {'rule': 'trend', 'side': 'high'}
            when falls = {{ run_points - 1 }} then {'rule': 'trend', 'side': 'low'}
            when {{ rounded('value') }} > {{ rounded('upper_near_limit') }} and (
                {{ rounded('value_1_before') }} > {{ rounded('upper_near_limit') }}
                or {{ rounded('value_2_before') }} > {{ rounded('upper_near_limit') }}
            ) then {'rule': 'two_of_three', 'side': 'high'}
            when {{ rounded('value') }} < {{ rounded('lower_near_limit') }} and (
                {{ rounded('value_1_before') }} < {{ rounded('lower_near_limit') }}
                or {{ rounded('value_2_before') }} < {{ rounded('lower_near_limit') }}
            ) then {'rule': 'two_of_three', 'side': 'low'}
            when {{ rounded('value') }} > {{ rounded('mean') }}
                {%- for before in range(1, run_points) %}
                and {{ rounded('value_' ~ before ~ '_before') }} > {{ rounded('mean') }}
                {%- endfor %}
                then {'rule': 'shift', 'side': 'high'}
            when {{ rounded('value') }} < {{ rounded('mean') }}
                {%- for before in range(1, run_points) %}
                and {{ rounded('value_' ~ before ~ '_before') }} < {{ rounded('mean') }}
                {%- endfor %}
                then {'rule': 'shift', 'side': 'low'}
        end as signal
    from limits

),

final as (

    select
        windows.month_start,
        windows.district_code,
        windows.indicator_code,
        windows.value,
        windows.points,
        windows.point_number >= {{ judged_from }} as is_judged,
        windows.window_mean as mean,
        limits.lower_limit,
        limits.upper_limit,
        signals.signal.rule as spc_rule,
        signals.signal.side as side
    from windows
    left join limits using (month_start, district_code, indicator_code)
    left join signals using (month_start, district_code, indicator_code)

)

select * from final
