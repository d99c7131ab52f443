{# The sum of a DOUBLE column (FTE, establishment FTE, the county's numerators) that is
   the same whatever order the rows come in. DuckDB adds rows in whatever order its
   threads meet them, and a DOUBLE sum depends on that order, so the same input could
   publish 105.30000000000001 one day and 105.3 the next. A DECIMAL sum is exact, hence
   order-free; 12 decimal places keep every figure far below the 6 places comparisons
   use. A value too large for that decimal (no real FTE is) is summed in a fixed order
   instead, rather than failing the build. `where` is the aggregate's FILTER. Returns a
   DOUBLE, null when no row is summed, as sum() does. #}
{% macro exact_sum(expression, where=none) -%}
{%- set only = ' filter (where ' ~ where ~ ')' if where else '' -%}
case
    when max(abs({{ expression }})){{ only }} < 1e15
        then sum(try_cast({{ expression }} as decimal(38, 12))){{ only }}::double
    else sum({{ expression }} order by {{ expression }}){{ only }}
end
{%- endmacro %}
