{# Comparisons with a RAG threshold, with the previous value and between districts
   are made on both sides rounded to 6 decimal places, so that floating-point noise
   never decides a colour (indicators.md). #}
{% macro rounded(expression) %}round({{ expression }}, 6){% endmacro %}
