with

source as (

    select * from {{ source('audit', 'submissions') }}

),

renamed as (

    select
        reporting_month as month_start,
        district_code,
        extract,
        status
    from source

)

select * from renamed
