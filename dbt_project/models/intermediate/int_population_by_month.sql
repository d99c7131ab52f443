-- The population each month's rates use, for every warehouse month and district with
-- population rows: population_0_17 for the latest year <= the month's calendar year,
-- else the earliest year given (indicators.md).
with

months as (select month_start from {{ ref('int_months') }}),

population as (select * from {{ ref('stg_population') }}),

chosen as (

    select
        months.month_start,
        population.district_code,
        population.population_0_17
    from months
    cross join population
    qualify row_number() over (
        partition by months.month_start, population.district_code
        order by
            population.population_year <= year(months.month_start) desc,
            case
                when population.population_year <= year(months.month_start)
                    then -population.population_year
                else population.population_year
            end
    ) = 1

)

select * from chosen
