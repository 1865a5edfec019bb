{% macro sql_string_literal(value) -%}
{#- `value` as a SQL string literal: in single quotes, each single quote doubled, so a value typed by a
    person (a search phrase, a survey id) is compared as text and never becomes SQL. DuckDB's standard
    strings give backslashes no meaning, so nothing else needs escaping. -#}
'{{ value | string | replace("'", "''") }}'
{%- endmacro %}
