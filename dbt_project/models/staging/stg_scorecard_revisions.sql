with

source as (

    select * from {{ source('history', 'revisions') }}

),

renamed as (

    select
        month_start,
        district_code,
        indicator_code,
        publication_id,
        value,
        data_status,
        rag
    from source

)

select * from renamed
