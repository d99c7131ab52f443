with

source as (

    select * from {{ source('raw', 'referrals') }}

),

renamed as (

    select
        reporting_month as month_start,
        district_code,
        referral_id,
        child_id,
        referral_date,
        referral_source,
        date_of_birth
    from source

)

select * from renamed
