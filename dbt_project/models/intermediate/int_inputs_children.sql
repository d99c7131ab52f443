-- CP_COUNT, CP_RATE, LAC_COUNT and LAC_RATE for every district and month of the grid.
-- Child protection plans and looked-after periods follow one rule: distinct children
-- (by pseudonymised child_id) with a record of the district that started on or before
-- the month end and has not ended by it (end_date blank or after it), using each
-- record's latest version; the rate is per the month's population.
with

grid as (select * from {{ ref('int_district_months') }}),

kinds as (

    select * from (values
        ('cp_plans', 'CP_COUNT', 'CP_RATE'),
        ('looked_after', 'LAC_COUNT', 'LAC_RATE')
    ) as kinds (extract, count_code, rate_code)

),

records as (

    select 'cp_plans' as extract, district_code, child_id, start_date, end_date
    from {{ ref('int_cp_plans_latest') }}
    union all
    select 'looked_after' as extract, district_code, child_id, start_date, end_date
    from {{ ref('int_looked_after_latest') }}

),

children_at_month_end as (

    select
        grid.month_start,
        grid.district_code,
        kinds.count_code,
        kinds.rate_code,
        any_value(grid.population) as population,
        count(distinct records.child_id) as children
    from grid
    cross join kinds
    left join records
        on records.extract = kinds.extract
        and records.district_code = grid.district_code
        and records.start_date <= grid.month_end
        and (records.end_date is null or records.end_date > grid.month_end)
    group by grid.month_start, grid.district_code, kinds.count_code, kinds.rate_code

),

children_count as (

    select
        month_start, district_code, count_code as indicator_code,
        children as numerator,
        null::double as denominator
    from children_at_month_end

),

children_rate as (

    select
        month_start, district_code, rate_code as indicator_code,
        children as numerator,
        population as denominator
    from children_at_month_end

),

final as (

    {{ indicator_inputs(['children_count', 'children_rate']) }}

)

select * from final
