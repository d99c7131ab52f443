-- The numerator (N) and denominator (D) of every indicator for every district and
-- month of the grid, exactly as indicators.md's catalogue defines them. Each indicator's
-- rule lives in the model of the extracts it counts (int_inputs_*); whether a figure may
-- be shown (data status) and its value are decided downstream, the same way for every
-- indicator.
--
-- Event extracts use each record's latest version, counted in the month its own date
-- falls in, whichever submission brought it. Snapshot extracts use only the
-- submission of the month itself.
with

unioned as (

    {% set families = [
        'int_inputs_referrals', 'int_inputs_assessments', 'int_inputs_allocations',
        'int_inputs_children', 'int_inputs_workforce',
    ] %}
    {% for family in families %}
    select month_start, district_code, indicator_code, numerator, denominator
    from {{ ref(family) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from unioned
