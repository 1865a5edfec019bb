{% macro average_to_the_cent(column) -%}
    {#- the mean of a column of amounts with two decimals, rounded half up to the cent by the same integer
    and IEEE double arithmetic on DuckDB and Spark: avg() of a decimal is a double on DuckDB and an exact
    decimal on Spark, so a mean that falls on a half cent rounded down on one and up on the other -#}
    cast(
        floor(
            cast(2 * cast(round(sum({{ column }}) * 100) as bigint) + count({{ column }}) as double)
            / cast(2 * nullif(count({{ column }}), 0) as double)
        ) as decimal(18, 0)
    ) * 0.01
{%- endmacro %}
