-- Grain: month x district (county included) x indicator, every combination.
with

districts as (select * from {{ ref('int_indicator_districts') }}),

county as (select * from {{ ref('int_indicator_county') }}),

final as (

    select month_start, district_code, indicator_code, numerator, denominator, value, data_status
    from districts

    union all

    select month_start, district_code, indicator_code, numerator, denominator, value, data_status
    from county

)

select * from final
