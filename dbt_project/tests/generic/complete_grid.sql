{# Every (month, district or county, indicator) has exactly one row (indicators.md,
   "Data status"). This test returns each combination of the three dimensions that is
   missing from the model; uniqueness and relationships to the dimensions are tested
   separately, so together they prove rows = months x (districts + county) x indicators. #}
{% test complete_grid(model, months, districts, indicators) %}

with

expected as (

    select months.month_start, districts.district_code, indicators.indicator_code
    from {{ months }} as months
    cross join {{ districts }} as districts
    cross join {{ indicators }} as indicators

)

select expected.*
from expected
where not exists (
    select 1
    from {{ model }} as actual
    where actual.month_start = expected.month_start
        and actual.district_code = expected.district_code
        and actual.indicator_code = expected.indicator_code
)

{% endtest %}
