-- Grain: one row per calendar month, from the earliest submission month to the latest.
select
    month_start,
    month_end,
    month_label,
    financial_year,
    fy_month
from {{ ref('int_months') }}
