{#- Spark: a SQL function of the session (`create or replace temporary function`), created when a model
    that calls it is compiled for execution. Spark refuses a subquery anywhere inside a higher-order
    function (transform, filter, ...), including in the array it is given; a SQL function's arguments are
    evaluated before its body, so a macro that binds a looked-up value with transform(array(..)) takes
    the lookup as an argument of such a function instead. Temporary functions live in the session every
    statement of a dbt-spark session run shares; creating one is idempotent. -#}
{% macro spark_session_function(name, arguments, returns, body) -%}
    {%- if execute -%}
        {%- do run_query('create or replace temporary function ' ~ name ~ '(' ~ arguments ~ ') returns '
            ~ returns ~ ' return ' ~ body) -%}
    {%- endif -%}
    {{ return(name) }}
{%- endmacro %}
