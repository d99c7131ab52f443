{# Event extracts: a record is keyed by (district, id); the version from the latest
   reporting month (the submission's month_start) wins, and a record absent from later
   submissions keeps its last version (extracts.md). Within one submission an id is
   unique (the contract rejects conflicting repeats), so the order is total. #}
{% macro latest_version(relation, id_column) %}
select * exclude (month_start), month_start as latest_month_start
from {{ relation }}
qualify row_number() over (
    partition by district_code, {{ id_column }}
    order by month_start desc
) = 1
{% endmacro %}
