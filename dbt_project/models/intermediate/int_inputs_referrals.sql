-- REF_COUNT and REF_RATE_12M for every district and month of the grid: referrals counted
-- in the month of their referral_date (each referral's latest version, whichever
-- submission brought it), alone and over the month and the 11 before.
with

grid as (select * from {{ ref('int_district_months') }}),

referrals_by_month as (

    select district_code, date_trunc('month', referral_date)::date as month_start, count(*) as n
    from {{ ref('int_referrals_latest') }}
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

final as (

    {{ indicator_inputs(['ref_count', 'ref_rate_12m']) }}

)

select * from final
