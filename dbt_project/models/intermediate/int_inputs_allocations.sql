-- UNALLOC_COUNT and UNALLOC_28D_COUNT for every district and month of the grid, from
-- the month's own allocations snapshot: cases with a blank worker_id, and of those the
-- ones with more than unallocated_calendar_days (dbt_project.yml) calendar days from
-- unallocated_since to the month end.
with

grid as (select * from {{ ref('int_district_months') }}),

allocations as (select * from {{ ref('stg_allocations') }}),

unallocated as (

    select
        grid.month_start,
        grid.district_code,
        count(allocations.case_id) filter (where allocations.worker_id is null) as unallocated,
        count(allocations.case_id) filter (
            where allocations.worker_id is null
            and grid.month_end - allocations.unallocated_since
                > {{ var('unallocated_calendar_days') }}
        ) as unallocated_long
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
        unallocated_long as numerator,
        null::double as denominator
    from unallocated

),

final as (

    {{ indicator_inputs(['unalloc_count', 'unalloc_28d_count']) }}

)

select * from final
