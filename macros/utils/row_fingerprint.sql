{#- A row's fingerprint: the md5 of its columns' text joined by '|', a null written '<null>'. -#}
{% macro row_fingerprint(column_names) %}
    {{ return(adapter.dispatch('row_fingerprint', 'customer360')(column_names)) }}
{% endmacro %}

{% macro default__row_fingerprint(column_names) %}
    {%- set parts = [] -%}
    {%- for column_name in column_names -%}
        {%- if not loop.first %}{% do parts.append("'|'") %}{% endif -%}
        {%- do parts.append("coalesce(cast(" ~ column_name ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) if parts else "''" }}
{%- endmacro %}

{#- DuckDB: the same text in one concat_ws call, so the same md5; dbt.concat's chain of || copies the
    growing text once per column. -#}
{% macro duckdb__row_fingerprint(column_names) %}
    {%- if column_names -%}
    md5(concat_ws('|'
        {%- for column_name in column_names -%}
        , coalesce(cast({{ column_name }} as varchar), '<null>')
        {%- endfor -%}
    ))
    {%- else -%}
    ''
    {%- endif -%}
{%- endmacro %}
