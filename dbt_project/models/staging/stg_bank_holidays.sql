with

source as (

    select * from {{ source('raw', 'bank_holidays') }}

),

renamed as (

    select
        holiday_date,
        holiday_name
    from source

)

select * from renamed
