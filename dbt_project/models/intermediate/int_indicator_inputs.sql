-- The numerator (N) and denominator (D) of every indicator for every district and
-- month of the grid, exactly as indicators.md's catalogue defines them. This model is
-- the one place each indicator's rule lives; whether a figure may be shown (data
-- status) and its value are decided downstream, the same way for every indicator.
--
-- Event extracts use each record's latest version, counted in the month its own date
-- falls in, whichever submission brought it. Snapshot extracts use only the
-- submission of the month itself.
with

grid as (select * from {{ ref('int_district_months') }}),

calendar as (select calendar_date, working_day_number from {{ ref('int_calendar') }}),

referrals as (select * from {{ ref('int_referrals_latest') }}),

workers as (select * from {{ ref('int_workforce_workers') }}),

allocations as (select * from {{ ref('stg_allocations') }}),

establishment as (select * from {{ ref('stg_establishment') }}),

-- working days are counted with the calendar: wd(a, b) = number(b) - number(a)
initial_assessments as (

    select
        assessments.*,
        date_trunc('month', assessments.completed_date)::date as completed_month,
        referred.working_day_number as referral_day_number,
        completed.working_day_number - referred.working_day_number
            as working_days_to_completion
    from {{ ref('int_initial_assessments_latest') }} as assessments
    inner join calendar as referred on referred.calendar_date = assessments.referral_date
    left join calendar as completed on completed.calendar_date = assessments.completed_date

),

core_assessments as (

    select
        assessments.*,
        date_trunc('month', assessments.completed_date)::date as completed_month,
        started.working_day_number as start_day_number,
        completed.working_day_number - started.working_day_number
            as working_days_to_completion
    from {{ ref('int_core_assessments_latest') }} as assessments
    inner join calendar as started on started.calendar_date = assessments.start_date
    left join calendar as completed on completed.calendar_date = assessments.completed_date

),

grid_month_end as (

    select grid.*, calendar.working_day_number as month_end_day_number
    from grid
    inner join calendar on calendar.calendar_date = grid.month_end

),

-- REF_COUNT, REF_RATE_12M -------------------------------------------------------------

referrals_by_month as (

    select district_code, date_trunc('month', referral_date)::date as month_start, count(*) as n
    from referrals
    group by all

),

ref_count as (

    select
        grid.month_start, grid.district_code, 'REF_COUNT' as indicator_code,
        coalesce(counted.n, 0) as numerator,
        null::double as denominator
    from grid
    left join referrals_by_month as counted using (month_start, district_code)

),

ref_rate_12m as (

    select
        grid.month_start, grid.district_code, 'REF_RATE_12M' as indicator_code,
        coalesce(sum(counted.n), 0) as numerator,
        any_value(grid.population) as denominator
    from grid
    left join referrals_by_month as counted
        on counted.district_code = grid.district_code
        and counted.month_start between grid.month_start - interval 11 month and grid.month_start
    group by grid.month_start, grid.district_code

),

-- IA_COMPLETED, IA_7WD_PCT, IA_OOT_COUNT, IA_RATE_YTD ---------------------------------

initial_assessments_completed as (

    select
        district_code,
        completed_month as month_start,
        count(*) as completed,
        count(*) filter (where working_days_to_completion <= 7) as within_7_working_days
    from initial_assessments
    where completed_date is not null
    group by all

),

ia_completed as (

    select
        grid.month_start, grid.district_code, 'IA_COMPLETED' as indicator_code,
        coalesce(counted.completed, 0) as numerator,
        null::double as denominator
    from grid
    left join initial_assessments_completed as counted using (month_start, district_code)

),

ia_7wd_pct as (

    select
        grid.month_start, grid.district_code, 'IA_7WD_PCT' as indicator_code,
        coalesce(counted.within_7_working_days, 0) as numerator,
        coalesce(counted.completed, 0) as denominator
    from grid
    left join initial_assessments_completed as counted using (month_start, district_code)

),

ia_oot_count as (

    select
        grid.month_start, grid.district_code, 'IA_OOT_COUNT' as indicator_code,
        count(assessments.assessment_id) as numerator,
        null::double as denominator
    from grid_month_end as grid
    left join initial_assessments as assessments
        on assessments.district_code = grid.district_code
        and assessments.start_date <= grid.month_end
        and (assessments.completed_date is null or assessments.completed_date > grid.month_end)
        and grid.month_end_day_number - assessments.referral_day_number > 7
    group by grid.month_start, grid.district_code

),

ia_rate_ytd as (

    select
        grid.month_start, grid.district_code, 'IA_RATE_YTD' as indicator_code,
        coalesce(sum(counted.completed), 0) as numerator,
        any_value(grid.population) as denominator
    from grid
    left join initial_assessments_completed as counted
        on counted.district_code = grid.district_code
        and counted.month_start between grid.fy_start and grid.month_start
    group by grid.month_start, grid.district_code

),

-- CA_35WD_PCT, CA_OOT_COUNT -------------------------------------------------------------

core_assessments_completed as (

    select
        district_code,
        completed_month as month_start,
        count(*) as completed,
        count(*) filter (where working_days_to_completion <= 35) as within_35_working_days
    from core_assessments
    where completed_date is not null
    group by all

),

ca_35wd_pct as (

    select
        grid.month_start, grid.district_code, 'CA_35WD_PCT' as indicator_code,
        coalesce(counted.within_35_working_days, 0) as numerator,
        coalesce(counted.completed, 0) as denominator
    from grid
    left join core_assessments_completed as counted using (month_start, district_code)

),

ca_oot_count as (

    select
        grid.month_start, grid.district_code, 'CA_OOT_COUNT' as indicator_code,
        count(assessments.assessment_id) as numerator,
        null::double as denominator
    from grid_month_end as grid
    left join core_assessments as assessments
        on assessments.district_code = grid.district_code
        and assessments.start_date <= grid.month_end
        and (assessments.completed_date is null or assessments.completed_date > grid.month_end)
        and grid.month_end_day_number - assessments.start_day_number > 35
    group by grid.month_start, grid.district_code

),

-- UNALLOC_COUNT, UNALLOC_28D_COUNT ------------------------------------------------------

unallocated as (

    select
        grid.month_start,
        grid.district_code,
        count(allocations.case_id) filter (where allocations.worker_id is null) as unallocated,
        count(allocations.case_id) filter (
            where allocations.worker_id is null
            and grid.month_end - allocations.unallocated_since > 28
        ) as unallocated_over_28_days
    from grid
    left join allocations using (month_start, district_code)
    group by grid.month_start, grid.district_code

),

unalloc_count as (

    select
        month_start, district_code, 'UNALLOC_COUNT' as indicator_code,
        unallocated as numerator,
        null::double as denominator
    from unallocated

),

unalloc_28d_count as (

    select
        month_start, district_code, 'UNALLOC_28D_COUNT' as indicator_code,
        unallocated_over_28_days as numerator,
        null::double as denominator
    from unallocated

),

-- CP_COUNT, CP_RATE, LAC_COUNT, LAC_RATE ------------------------------------------------

children_on_plans as (

    select
        grid.month_start,
        grid.district_code,
        any_value(grid.population) as population,
        count(distinct plans.child_id) as children
    from grid
    left join {{ ref('int_cp_plans_latest') }} as plans
        on plans.district_code = grid.district_code
        and plans.start_date <= grid.month_end
        and (plans.end_date is null or plans.end_date > grid.month_end)
    group by grid.month_start, grid.district_code

),

cp_count as (

    select
        month_start, district_code, 'CP_COUNT' as indicator_code,
        children as numerator,
        null::double as denominator
    from children_on_plans

),

cp_rate as (

    select
        month_start, district_code, 'CP_RATE' as indicator_code,
        children as numerator,
        population as denominator
    from children_on_plans

),

children_looked_after as (

    select
        grid.month_start,
        grid.district_code,
        any_value(grid.population) as population,
        count(distinct periods.child_id) as children
    from grid
    left join {{ ref('int_looked_after_latest') }} as periods
        on periods.district_code = grid.district_code
        and periods.start_date <= grid.month_end
        and (periods.end_date is null or periods.end_date > grid.month_end)
    group by grid.month_start, grid.district_code

),

lac_count as (

    select
        month_start, district_code, 'LAC_COUNT' as indicator_code,
        children as numerator,
        null::double as denominator
    from children_looked_after

),

lac_rate as (

    select
        month_start, district_code, 'LAC_RATE' as indicator_code,
        children as numerator,
        population as denominator
    from children_looked_after

),

-- AGENCY_HEADCOUNT, AGENCY_FTE_PCT, ESTAB_VARIANCE_PCT, PERM_FILLED_PCT, AVG_CASELOAD ----

workforce as (

    select
        grid.month_start,
        grid.district_code,
        count(workers.worker_id) filter (where workers.is_case_holding_agency)
            as agency_headcount,
        coalesce({{ exact_sum('workers.fte', 'workers.is_case_holding') }}, 0)
            as case_holding_fte,
        coalesce({{ exact_sum('workers.fte', 'workers.is_case_holding_agency') }}, 0)
            as agency_fte,
        coalesce({{ exact_sum('workers.fte', 'workers.is_case_holding_permanent') }}, 0)
            as permanent_fte,
        count(workers.worker_id) filter (where workers.is_fieldwork_case_holder)
            as fieldwork_case_holders,
        coalesce(sum(workers.allocated_cases) filter (where workers.is_fieldwork_case_holder), 0)
            as fieldwork_allocated_cases
    from grid
    left join workers using (month_start, district_code)
    group by grid.month_start, grid.district_code

),

establishment_by_month as (

    select
        grid.month_start,
        grid.district_code,
        coalesce({{ exact_sum('establishment.establishment_fte') }}, 0) as establishment_fte
    from grid
    left join establishment using (month_start, district_code)
    group by grid.month_start, grid.district_code

),

agency_headcount as (

    select
        month_start, district_code, 'AGENCY_HEADCOUNT' as indicator_code,
        agency_headcount as numerator,
        null::double as denominator
    from workforce

),

agency_fte_pct as (

    select
        month_start, district_code, 'AGENCY_FTE_PCT' as indicator_code,
        agency_fte as numerator,
        case_holding_fte as denominator
    from workforce

),

estab_variance_pct as (

    select
        month_start, district_code, 'ESTAB_VARIANCE_PCT' as indicator_code,
        workforce.case_holding_fte - establishment_by_month.establishment_fte as numerator,
        establishment_by_month.establishment_fte as denominator
    from workforce
    inner join establishment_by_month using (month_start, district_code)

),

perm_filled_pct as (

    select
        month_start, district_code, 'PERM_FILLED_PCT' as indicator_code,
        workforce.permanent_fte as numerator,
        establishment_by_month.establishment_fte as denominator
    from workforce
    inner join establishment_by_month using (month_start, district_code)

),

avg_caseload as (

    select
        month_start, district_code, 'AVG_CASELOAD' as indicator_code,
        fieldwork_allocated_cases as numerator,
        fieldwork_case_holders as denominator
    from workforce

),

unioned as (

    {% set indicators = [
        'ref_count', 'ref_rate_12m', 'ia_completed', 'ia_7wd_pct', 'ia_oot_count',
        'ia_rate_ytd', 'ca_35wd_pct', 'ca_oot_count', 'unalloc_count', 'unalloc_28d_count',
        'cp_count', 'cp_rate', 'lac_count', 'lac_rate', 'agency_headcount', 'agency_fte_pct',
        'estab_variance_pct', 'perm_filled_pct', 'avg_caseload',
    ] %}
    {% for indicator in indicators %}
    select
        month_start,
        district_code,
        indicator_code,
        numerator::double as numerator,
        denominator::double as denominator
    from {{ indicator }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from unioned
