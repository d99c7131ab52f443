with

source as (

    select * from {{ source('raw', 'targets') }}

),

renamed as (

    select
        indicator_code,
        financial_year,
        -- blank = every district and the county; ALL = the county only
        district_code as target_district_code,
        target,
        tolerance_pct
    from source

)

select * from renamed
