with

source as (

    select * from {{ source('raw', 'looked_after') }}

),

renamed as (

    select
        reporting_month as month_start,
        district_code,
        period_id,
        child_id,
        start_date,
        end_date,
        legal_status
    from source

)

select * from renamed
