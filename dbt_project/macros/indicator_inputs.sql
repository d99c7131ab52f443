{# The union of CTEs that each give one indicator's numerator and denominator per
   district and month, in the columns int_indicator_inputs publishes (both as DOUBLE,
   so every extract family's model unions with the others). #}
{% macro indicator_inputs(ctes) %}
{% for cte in ctes %}
select
    month_start,
    district_code,
    indicator_code,
    numerator::double as numerator,
    denominator::double as denominator
from {{ cte }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% endmacro %}
