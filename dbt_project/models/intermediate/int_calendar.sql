-- One row per day from 1990-01-01 (the earliest date an extract may hold) to the last
-- month end, numbering working days (Monday to Friday except England's bank holidays)
-- so that wd(a, b) = working days d with a < d <= b
--                  = working_day_number(b) - working_day_number(a).
with

bounds as (

    select max(month_end) as last_day from {{ ref('int_months') }}

),

days as (

    select unnest(generate_series(date '1990-01-01', last_day, interval 1 day))::date
        as calendar_date
    from bounds
    where last_day is not null

),

holidays as (

    select distinct holiday_date from {{ ref('stg_bank_holidays') }}

),

flagged as (

    select
        days.calendar_date,
        isodow(days.calendar_date) <= 5 and holidays.holiday_date is null as is_working_day
    from days
    left join holidays on holidays.holiday_date = days.calendar_date

),

final as (

    select
        calendar_date,
        is_working_day,
        sum(is_working_day::integer) over (order by calendar_date) as working_day_number
    from flagged

)

select * from final
