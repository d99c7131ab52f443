with

source as (

    select * from {{ source('raw', 'district_folders') }}

),

renamed as (

    select
        reporting_month as month_start,
        district_code
    from source

)

select * from renamed
