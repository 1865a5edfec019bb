{#- Lists, one implementation per engine (issue 18): DuckDB's list functions and Spark's array
    functions with DuckDB's meaning. Each takes and returns SQL text. -#}

{#- The distinct non-null elements of a list, sorted ascending (DuckDB's list_distinct drops nulls). -#}
{% macro list_sorted_distinct(list_sql) -%}
    {{ return(adapter.dispatch('list_sorted_distinct', 'customer360')(list_sql)) }}
{%- endmacro %}
{% macro default__list_sorted_distinct(list_sql) -%}
    list_sort(list_distinct({{ list_sql }}))
{%- endmacro %}
{% macro spark__list_sorted_distinct(list_sql) -%}
    array_sort(array_distinct(filter({{ list_sql }}, list_element -> list_element is not null)))
{%- endmacro %}

{#- Two lists joined end to end. -#}
{% macro list_concat_sql(first_sql, second_sql) -%}
    {{ return(adapter.dispatch('list_concat_sql', 'customer360')(first_sql, second_sql)) }}
{%- endmacro %}
{% macro default__list_concat_sql(first_sql, second_sql) -%}
    list_concat({{ first_sql }}, {{ second_sql }})
{%- endmacro %}
{% macro spark__list_concat_sql(first_sql, second_sql) -%}
    concat({{ first_sql }}, {{ second_sql }})
{%- endmacro %}

{#- A list of the given SQL expressions. -#}
{% macro list_of(items) -%}
    {{ return(adapter.dispatch('list_of', 'customer360')(items)) }}
{%- endmacro %}
{% macro default__list_of(items) -%}
    [{{ items | join(', ') }}]
{%- endmacro %}
{% macro spark__list_of(items) -%}
    array({{ items | join(', ') }})
{%- endmacro %}

{#- An empty list of text. -#}
{% macro empty_text_list() -%}
    {{ return(adapter.dispatch('empty_text_list', 'customer360')()) }}
{%- endmacro %}
{% macro default__empty_text_list() -%}
    cast([] as {{ dbt.type_string() }}[])
{%- endmacro %}
{% macro spark__empty_text_list() -%}
    cast(array() as array<string>)
{%- endmacro %}

{#- The aggregate that collects a group's values into a list (use with filter (where .. is not null):
    DuckDB's list keeps nulls, Spark's collect_list drops them). -#}
{% macro list_agg(value_sql) -%}
    {{ return(adapter.dispatch('list_agg', 'customer360')(value_sql)) }}
{%- endmacro %}
{% macro default__list_agg(value_sql) -%}
    list({{ value_sql }})
{%- endmacro %}
{% macro spark__list_agg(value_sql) -%}
    collect_list({{ value_sql }})
{%- endmacro %}

{#- One row per element of a list, in a select list. -#}
{% macro unnest_list(list_sql) -%}
    {{ return(adapter.dispatch('unnest_list', 'customer360')(list_sql)) }}
{%- endmacro %}
{% macro default__unnest_list(list_sql) -%}
    unnest({{ list_sql }})
{%- endmacro %}
{% macro spark__unnest_list(list_sql) -%}
    explode({{ list_sql }})
{%- endmacro %}

{#- Whether a list contains a value. -#}
{% macro list_has(list_sql, value_sql) -%}
    {{ return(adapter.dispatch('list_has', 'customer360')(list_sql, value_sql)) }}
{%- endmacro %}
{% macro default__list_has(list_sql, value_sql) -%}
    list_contains({{ list_sql }}, {{ value_sql }})
{%- endmacro %}
{% macro spark__list_has(list_sql, value_sql) -%}
    array_contains({{ list_sql }}, {{ value_sql }})
{%- endmacro %}

{#- The distinct non-null values of a group as one text, sorted, joined by `separator`. -#}
{% macro string_agg_distinct_sorted(value_sql, separator) -%}
    {{ return(adapter.dispatch('string_agg_distinct_sorted', 'customer360')(value_sql, separator)) }}
{%- endmacro %}
{% macro default__string_agg_distinct_sorted(value_sql, separator) -%}
    string_agg(distinct {{ value_sql }}, '{{ separator }}' order by {{ value_sql }})
{%- endmacro %}
{% macro spark__string_agg_distinct_sorted(value_sql, separator) -%}
    nullif(array_join(array_sort(collect_set({{ value_sql }})), '{{ separator }}'), '')
{%- endmacro %}
