{% macro publish_bi_database(results) -%}
    {{ return(adapter.dispatch('publish_bi_database', 'customer360')(results)) }}
{%- endmacro %}

{% macro duckdb__publish_bi_database(results) -%}
{#- on-run-end hook (dbt_project.yml): when this command built the BI database aside (dbt build, run,
    retry), publish it — swap it in over the BI file atomically — if every node succeeded (warnings
    allowed), else drop it and leave the published file as it was. The work is done by the dbt-duckdb
    plugin customer360.privacy.database_files (SQL function customer360_finish_bi_build); other commands
    attach the BI file read-only or directly, and the function does nothing for them. -#}
{%- if execute -%}
    {%- set failed = [] -%}
    {%- for result in results if result.status in ['error', 'fail', 'runtime error', 'skipped'] -%}
        {%- do failed.append(result.node.unique_id) -%}
    {%- endfor -%}
    {%- set outcome = run_query('select customer360_finish_bi_build(' ~ (failed | length) ~ ')') -%}
    {%- set message = outcome.columns[0].values()[0] -%}
    {%- if message -%}
        {{ log(message, info=True) }}
    {%- endif -%}
{%- endif -%}
{%- endmacro %}

{#- Spark: the marts are tables of schema `marts` in the warehouse, written in place; there is no second
    file to swap in. -#}
{% macro spark__publish_bi_database(results) -%}
{%- endmacro %}
