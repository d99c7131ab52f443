-- Grain: financial year (of the warehouse's months) x district (county included) x
-- indicator, for every combination a target resolves to. A district takes the targets
-- row for its own code, failing that the row with a blank district_code; the county
-- takes the row for ALL, failing that the blank row; failing both there is no target.
with

financial_years as (select distinct financial_year from {{ ref('dim_month') }}),

districts as (select district_code from {{ ref('dim_district') }}),

targets as (select * from {{ ref('stg_targets') }}),

candidates as (

    select
        financial_years.financial_year,
        districts.district_code,
        targets.indicator_code,
        targets.target,
        targets.tolerance_pct,
        targets.target_district_code is null as is_default
    from financial_years
    cross join districts
    inner join targets
        on targets.financial_year = financial_years.financial_year
        and (
            targets.target_district_code = districts.district_code
            or targets.target_district_code is null
        )

),

final as (

    select financial_year, district_code, indicator_code, target, tolerance_pct
    from candidates
    qualify row_number() over (
        partition by financial_year, district_code, indicator_code
        order by is_default
    ) = 1

)

select * from final
