{# The model's grain: no two rows share these columns. Returns each repeated key with
   how often it occurs. Named and argued as dbt_utils' test, which this project cannot
   install (no package hub), so a later switch is a one-word change. #}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- set key = combination_of_columns | join(', ') %}

select {{ key }}, count(*) as rows_with_this_key
from {{ model }}
group by {{ key }}
having count(*) > 1

{% endtest %}
