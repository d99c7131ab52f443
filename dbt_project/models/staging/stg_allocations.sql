with

source as (

    select * from {{ source('raw', 'allocations') }}

),

renamed as (

    select
        reporting_month as month_start,
        district_code,
        case_id,
        child_id,
        case_start_date,
        worker_id,
        unallocated_since
    from source

)

select * from renamed
