{#- The as-of date of every status, value, alert and ROI figure, as a SQL date expression: var
    lifecycle_as_of_date ('YYYY-MM-DD') when it is set, else current_date (today, UTC). Fix the var to
    reproduce history; a value that is not a date fails compilation with a message naming the var. -#}
{% macro as_of_date() -%}
    {%- set as_of = var('lifecycle_as_of_date', none) -%}
    {%- if as_of is none or as_of | string | trim == '' -%}
        current_date
    {%- else -%}
        {%- set text = as_of | string | trim -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
            {{ exceptions.raise_compiler_error(
                "var lifecycle_as_of_date must be a date written YYYY-MM-DD (or null for today), got '"
                ~ text ~ "'"
            ) }}
        {%- endif -%}
        cast('{{ text }}' as date)
    {%- endif -%}
{%- endmacro %}
