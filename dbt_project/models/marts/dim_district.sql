-- Grain: one row per listed district, plus one row for the county (ALL).
with

districts as (select * from {{ ref('stg_districts') }}),

final as (

    select district_code, district_name, false as is_county
    from districts

    union all

    select 'ALL', '{{ var("county_name") }}', true

)

select * from final
