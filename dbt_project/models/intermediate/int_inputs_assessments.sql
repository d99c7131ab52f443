-- IA_COMPLETED, IA_7WD_PCT, IA_OOT_COUNT, IA_RATE_YTD, CA_35WD_PCT and CA_OOT_COUNT for
-- every district and month of the grid. Initial and core assessments follow one rule
-- with two parameters: where the clock starts (referral_date for an initial assessment,
-- start_date for a core one) and the timescale in working days (dbt_project.yml vars).
-- Each assessment's latest version counts, in the month its completed_date falls in.
-- Slightly over 150 lines: the two kinds share every CTE, and splitting the rule across
-- models would state it twice.
with

grid as (select * from {{ ref('int_district_months') }}),

calendar as (select calendar_date, working_day_number from {{ ref('int_calendar') }}),

kinds as (

    select * from (values
        ('initial', {{ var('initial_assessment_working_days') }}, 'IA_7WD_PCT', 'IA_OOT_COUNT'),
        ('core', {{ var('core_assessment_working_days') }}, 'CA_35WD_PCT', 'CA_OOT_COUNT')
    ) as kinds (
        assessment_kind, timescale_working_days, within_timescale_code, out_of_timescale_code
    )

),

assessments as (

    select
        'initial' as assessment_kind, district_code, assessment_id,
        referral_date as clock_start_date, start_date, completed_date
    from {{ ref('int_initial_assessments_latest') }}
    union all
    select
        'core' as assessment_kind, district_code, assessment_id,
        start_date as clock_start_date, start_date, completed_date
    from {{ ref('int_core_assessments_latest') }}

),

-- working days are counted with the calendar: wd(a, b) = number(b) - number(a)
timed as (

    select
        assessments.*,
        kinds.timescale_working_days,
        date_trunc('month', assessments.completed_date)::date as completed_month,
        clock_start.working_day_number as clock_start_day_number,
        completed.working_day_number - clock_start.working_day_number
            as working_days_to_completion
    from assessments
    inner join kinds using (assessment_kind)
    inner join calendar as clock_start on clock_start.calendar_date = assessments.clock_start_date
    left join calendar as completed on completed.calendar_date = assessments.completed_date

),

completed_by_month as (

    select
        assessment_kind,
        district_code,
        completed_month as month_start,
        count(*) as completed,
        count(*) filter (where working_days_to_completion <= timescale_working_days)
            as within_timescale
    from timed
    where completed_date is not null
    group by all

),

grid_by_kind as (

    select grid.*, kinds.*, calendar.working_day_number as month_end_day_number
    from grid
    cross join kinds
    inner join calendar on calendar.calendar_date = grid.month_end

),

completed_in_month as (

    select
        grid.month_start,
        grid.district_code,
        grid.assessment_kind,
        grid.within_timescale_code,
        coalesce(counted.completed, 0) as completed,
        coalesce(counted.within_timescale, 0) as within_timescale
    from grid_by_kind as grid
    left join completed_by_month as counted using (assessment_kind, month_start, district_code)

),

-- IA_7WD_PCT, CA_35WD_PCT
within_timescale as (

    select
        month_start, district_code, within_timescale_code as indicator_code,
        within_timescale as numerator,
        completed as denominator
    from completed_in_month

),

-- IA_OOT_COUNT, CA_OOT_COUNT: started by the month end, not completed by it, and more
-- than the timescale from the clock's start to the month end
out_of_timescale as (

    select
        grid.month_start, grid.district_code, grid.out_of_timescale_code as indicator_code,
        count(timed.assessment_id) as numerator,
        null::double as denominator
    from grid_by_kind as grid
    left join timed
        on timed.assessment_kind = grid.assessment_kind
        and timed.district_code = grid.district_code
        and timed.start_date <= grid.month_end
        and (timed.completed_date is null or timed.completed_date > grid.month_end)
        and grid.month_end_day_number - timed.clock_start_day_number > grid.timescale_working_days
    group by grid.month_start, grid.district_code, grid.out_of_timescale_code

),

ia_completed as (

    select
        month_start, district_code, 'IA_COMPLETED' as indicator_code,
        completed as numerator,
        null::double as denominator
    from completed_in_month
    where assessment_kind = 'initial'

),

ia_rate_ytd as (

    select
        grid.month_start, grid.district_code, 'IA_RATE_YTD' as indicator_code,
        coalesce(sum(counted.completed), 0) as numerator,
        any_value(grid.population) as denominator
    from grid
    left join completed_by_month as counted
        on counted.assessment_kind = 'initial'
        and counted.district_code = grid.district_code
        and counted.month_start between grid.fy_start and grid.month_start
    group by grid.month_start, grid.district_code

),

final as (

    {{ indicator_inputs(['ia_completed', 'within_timescale', 'out_of_timescale', 'ia_rate_ytd']) }}

)

select * from final
