with

source as (

    select * from {{ source('history', 'publications') }}

),

renamed as (

    select
        publication_id,
        published_at,
        first_month,
        last_month
    from source

)

select * from renamed
