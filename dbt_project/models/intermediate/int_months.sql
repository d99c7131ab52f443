-- The warehouse's months: every calendar month from the earliest to the latest month
-- folder that holds a folder of at least one listed district (indicators.md).
with

folders as (

    select folders.month_start
    from {{ ref('stg_district_folders') }} as folders
    inner join {{ ref('stg_districts') }} as districts using (district_code)

),

bounds as (

    select min(month_start) as first_month, max(month_start) as last_month
    from folders

),

spine as (

    select unnest(generate_series(first_month, last_month, interval 1 month))::date as month_start
    from bounds
    where first_month is not null

),

final as (

    select
        month_start,
        last_day(month_start) as month_end,
        strftime(month_start, '%b %Y') as month_label,
        year(month_start) * 12 + month(month_start) - 1 as month_index,
        year(month_start) - case when month(month_start) < 4 then 1 else 0 end as fy_start_year,
        make_date(fy_start_year, 4, 1) as fy_start,
        fy_start_year::varchar || '-' || lpad(((fy_start_year + 1) % 100)::varchar, 2, '0')
            as financial_year,
        (month(month_start) + 8) % 12 + 1 as fy_month
    from spine

)

select * from final
