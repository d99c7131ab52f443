-- The district grid: every warehouse month x listed district, with the population
-- that month's rates use (int_population_by_month); null when the district has no
-- population rows.
with

months as (select * from {{ ref('int_months') }}),

districts as (select district_code from {{ ref('stg_districts') }}),

population as (select * from {{ ref('int_population_by_month') }}),

grid as (

    select months.*, districts.district_code
    from months
    cross join districts

),

final as (

    select
        grid.*,
        population.population_0_17 as population
    from grid
    left join population using (month_start, district_code)

)

select * from final
