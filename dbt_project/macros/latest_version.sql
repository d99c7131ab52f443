{# Event extracts: a record is keyed by (district, id); the version from the latest
   reporting month wins, and a record absent from later submissions keeps its last
   version (extracts.md). Within one submission an id is unique (the contract
   rejects conflicting repeats), so the order is total. #}
{% macro latest_version(relation, id_column) %}
select * exclude (reporting_month), reporting_month as latest_reporting_month
from {{ relation }}
qualify row_number() over (
    partition by district_code, {{ id_column }}
    order by reporting_month desc
) = 1
{% endmacro %}
