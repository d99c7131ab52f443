-- AGENCY_HEADCOUNT, AGENCY_FTE_PCT, ESTAB_VARIANCE_PCT, PERM_FILLED_PCT and AVG_CASELOAD
-- for every district and month of the grid, from the month's own workforce,
-- establishment and allocations snapshots. FTE is summed exactly (macro exact_sum).
with

grid as (select * from {{ ref('int_district_months') }}),

workers as (select * from {{ ref('int_workforce_workers') }}),

establishment as (select * from {{ ref('stg_establishment') }}),

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

final as (

    {{ indicator_inputs([
        'agency_headcount', 'agency_fte_pct', 'estab_variance_pct', 'perm_filled_pct',
        'avg_caseload',
    ]) }}

)

select * from final
