{#- The database (catalog) of a node: DuckDB publishes the marts to the attached BI file (`+database: bi`),
    other nodes stay in the private file. Spark has no second file: dbt-spark refuses a database other than
    the schema, so every node keeps the target's catalog and the marts are told apart by their schema
    (`marts`). Dispatched. -#}
{% macro generate_database_name(custom_database_name=none, node=none) -%}
    {{ return(adapter.dispatch('generate_database_name', 'customer360')(custom_database_name, node)) }}
{%- endmacro %}

{% macro default__generate_database_name(custom_database_name=none, node=none) -%}
    {%- if custom_database_name is none -%}
        {{ target.database }}
    {%- else -%}
        {{ custom_database_name | trim }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__generate_database_name(custom_database_name=none, node=none) -%}
    {{ return(none) }}
{%- endmacro %}
