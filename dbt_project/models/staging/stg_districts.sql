with

source as (

    select * from {{ source('raw', 'districts') }}

),

renamed as (

    select
        district_code,
        district_name
    from source

)

select * from renamed
