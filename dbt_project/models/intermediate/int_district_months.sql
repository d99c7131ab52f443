-- The district grid: every warehouse month x listed district, with the population
-- that month's rates use: population_0_17 for the latest year <= the month's calendar
-- year, else the earliest year given; null when the district has no population rows.
with

months as (select * from {{ ref('int_months') }}),

districts as (select district_code from {{ ref('stg_districts') }}),

population as (select * from {{ ref('stg_population') }}),

grid as (

    select months.*, districts.district_code
    from months
    cross join districts

),

chosen_population as (

    select
        grid.month_start,
        grid.district_code,
        population.population_0_17
    from grid
    inner join population using (district_code)
    qualify row_number() over (
        partition by grid.month_start, grid.district_code
        order by
            population.population_year <= year(grid.month_start) desc,
            case
                when population.population_year <= year(grid.month_start)
                    then -population.population_year
                else population.population_year
            end
    ) = 1

),

final as (

    select
        grid.*,
        chosen_population.population_0_17 as population
    from grid
    left join chosen_population using (month_start, district_code)

)

select * from final
