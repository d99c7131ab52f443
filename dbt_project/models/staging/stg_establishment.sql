with

source as (

    select * from {{ source('raw', 'establishment') }}

),

renamed as (

    select
        reporting_month as month_start,
        district_code,
        team_code,
        team_type,
        establishment_fte
    from source

)

select * from renamed
