with

source as (

    select * from {{ source('raw', 'population') }}

),

renamed as (

    select
        district_code,
        year as population_year,
        population_0_17
    from source

)

select * from renamed
