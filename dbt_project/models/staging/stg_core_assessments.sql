with

source as (

    select * from {{ source('raw', 'core_assessments') }}

),

renamed as (

    select
        reporting_month as month_start,
        district_code,
        assessment_id,
        child_id,
        start_date,
        completed_date
    from source

)

select * from renamed
