{# Value from numerator and denominator by unit (indicators.md): N for a count,
   N / D * 100 for a percent, N / D * 10,000 for a rate (annualised by 12 / k for a
   financial-year-to-date window, k = months from April to the month inclusive),
   N / D for a ratio. Used for districts and the county alike, so the county is
   never an average of district values. #}
{% macro indicator_value(unit, history, numerator, denominator, fy_month) %}
case {{ unit }}
    when 'count' then {{ numerator }}::double
    when 'percent' then {{ numerator }} / {{ denominator }} * 100
    when 'rate_per_10k' then {{ numerator }} / {{ denominator }} * 10000
        * case when {{ history }} = 'financial_year_to_date' then 12.0 / {{ fy_month }} else 1 end
    when 'ratio' then {{ numerator }} / {{ denominator }}
end
{% endmacro %}
