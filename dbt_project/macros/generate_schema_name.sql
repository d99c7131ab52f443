{# Schemas are named for their layer (staging, intermediate, marts), not prefixed
   with the target's schema: warehouse.md makes `marts` a public name. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name else target.schema }}
{%- endmacro %}
