-- Grain: one row per indicator of indicators.md's catalogue.
select
    indicator_code,
    indicator_name,
    unit,
    polarity,
    definition
from {{ ref('indicators') }}
