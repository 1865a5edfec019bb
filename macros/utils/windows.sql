{#- A frame on a named window (`over (by_date rows between ...)`): DuckDB refines the named window in
    place; Spark cannot refine a named window, so there the window's definition is written out before
    the frame. `definition` must be the named window's own definition. Dispatched. -#}
{% macro window_with_frame(window_name, definition, frame) -%}
    {{ return(adapter.dispatch('window_with_frame', 'customer360')(window_name, definition, frame)) }}
{%- endmacro %}

{% macro default__window_with_frame(window_name, definition, frame) -%}
    {{ window_name }} {{ frame }}
{%- endmacro %}

{% macro spark__window_with_frame(window_name, definition, frame) -%}
    {{ definition }} {{ frame }}
{%- endmacro %}

{#- An ASOF join on one key (`join_type` left or inner): each left row gets the right row of the same
    key with the greatest `right_value` at or before `left_value` (none: nulls, or no row when inner). DuckDB has ASOF joins; Spark SQL has none, so
    there the right relation carries the next value of its key (lead) and the join takes the one row
    whose interval holds the left value: the same row when `right_value` is unique per key (the callers
    group by key and value). Dispatched. -#}
{% macro asof_join(join_type, relation, key_column, left_key, left_value, right_value) -%}
    {{ return(adapter.dispatch('asof_join', 'customer360')(join_type, relation, key_column, left_key, left_value, right_value)) }}
{%- endmacro %}

{% macro default__asof_join(join_type, relation, key_column, left_key, left_value, right_value) -%}
asof {{ join_type }} join {{ relation }}
        on
            {{ left_key }} = {{ relation }}.{{ key_column }}
            and {{ left_value }} >= {{ relation }}.{{ right_value }}
{%- endmacro %}

{% macro spark__asof_join(join_type, relation, key_column, left_key, left_value, right_value) -%}
{{ join_type }} join (
        select
            *,
            lead({{ right_value }}) over (partition by {{ key_column }} order by {{ right_value }}) as asof_next_value
        from {{ relation }}
    ) as {{ relation }}
        on
            {{ left_key }} = {{ relation }}.{{ key_column }}
            and {{ left_value }} >= {{ relation }}.{{ right_value }}
            and ({{ relation }}.asof_next_value is null or {{ left_value }} < {{ relation }}.asof_next_value)
{%- endmacro %}

{#- The most frequent value of `value_column` per group of `group_columns` in `relation` (ties: the
    smallest value), one row per group with the group columns and the value. DuckDB qualifies the grouped
    select; Spark's QUALIFY cannot hold an aggregate after GROUP BY, so there the rank is a column of a
    subquery. Dispatched. -#}
{% macro most_frequent_value(relation, group_columns, value_column) -%}
    {{ return(adapter.dispatch('most_frequent_value', 'customer360')(relation, group_columns, value_column)) }}
{%- endmacro %}

{% macro default__most_frequent_value(relation, group_columns, value_column) -%}
select
        {{ group_columns | join(',\n        ') }},
        {{ value_column }}
    from {{ relation }}
    group by {{ group_columns | join(', ') }}, {{ value_column }}
    qualify row_number() over (partition by {{ group_columns | join(', ') }} order by count(*) desc, {{ value_column }}) = 1
{%- endmacro %}

{% macro spark__most_frequent_value(relation, group_columns, value_column) -%}
select
        {{ group_columns | join(',\n        ') }},
        {{ value_column }}
    from (
        select
            {{ group_columns | join(', ') }},
            {{ value_column }},
            row_number() over (
                partition by {{ group_columns | join(', ') }} order by count(*) desc, {{ value_column }}
            ) as frequency_rank
        from {{ relation }}
        group by {{ group_columns | join(', ') }}, {{ value_column }}
    ) as ranked
    where frequency_rank = 1
{%- endmacro %}

{#- The last non-null value of a window (its frame follows in `over`): DuckDB writes IGNORE NULLS inside
    the call, Spark reads it there as belonging to the argument's own function, so there it is
    last_value's second argument. Dispatched. -#}
{% macro last_value_ignore_nulls(expression) -%}
    {{ return(adapter.dispatch('last_value_ignore_nulls', 'customer360')(expression)) }}
{%- endmacro %}

{% macro default__last_value_ignore_nulls(expression) -%}
    last_value({{ expression }} ignore nulls)
{%- endmacro %}

{% macro spark__last_value_ignore_nulls(expression) -%}
    last_value({{ expression }}, true)
{%- endmacro %}

{#- An ordering key for max_by / min_by that is a total order: `expression`, then `tie_breaker` (a unique
    key) when two rows tie on it, so the pick does not depend on the order rows reach the aggregate
    (DECISIONS §45). Null when `expression` is null, so those rows are skipped as by max_by on
    `expression` alone (a struct holding a null would otherwise take part). Dispatched: DuckDB writes
    the struct with struct_pack, Spark with named_struct. -#}
{% macro tie_broken_key(expression, tie_breaker) -%}
    {{ return(adapter.dispatch('tie_broken_key', 'customer360')(expression, tie_breaker)) }}
{%- endmacro %}

{% macro default__tie_broken_key(expression, tie_breaker) -%}
    case when {{ expression }} is not null then struct_pack(k := {{ expression }}, t := {{ tie_breaker }}) end
{%- endmacro %}

{% macro spark__tie_broken_key(expression, tie_breaker) -%}
    case when {{ expression }} is not null then named_struct('k', {{ expression }}, 't', {{ tie_breaker }}) end
{%- endmacro %}
