with

source as (

    select * from {{ source('raw', 'workforce') }}

),

renamed as (

    select
        reporting_month as month_start,
        district_code,
        worker_id,
        team_code,
        team_type,
        case_holding as is_case_holding,
        employment_type,
        fte
    from source

)

select * from renamed
