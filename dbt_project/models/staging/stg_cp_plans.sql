with

source as (

    select * from {{ source('raw', 'cp_plans') }}

),

renamed as (

    select
        reporting_month as month_start,
        district_code,
        plan_id,
        child_id,
        start_date,
        end_date,
        category
    from source

)

select * from renamed
