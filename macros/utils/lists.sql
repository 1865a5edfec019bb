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

{#- One field of a struct. -#}
{% macro struct_field(struct_sql, field) -%}
    {{ return(adapter.dispatch('struct_field', 'customer360')(struct_sql, field)) }}
{%- endmacro %}
{% macro default__struct_field(struct_sql, field) -%}
    struct_extract({{ struct_sql }}, '{{ field }}')
{%- endmacro %}
{% macro spark__struct_field(struct_sql, field) -%}
    ({{ struct_sql }}).{{ field }}
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

{#- The number of `unit` boundaries (day, minute, second, ...) between two dates or timestamps, as
    DuckDB's date_diff counts them (10:00:30 to 10:01:10 is one minute); dispatched: Spark's
    timestampdiff counts whole units elapsed, so both ends are truncated to the unit first. -#}
{% macro date_diff_sql(unit, start_sql, end_sql) -%}
    {{ return(adapter.dispatch('date_diff_sql', 'customer360')(unit, start_sql, end_sql)) }}
{%- endmacro %}
{% macro default__date_diff_sql(unit, start_sql, end_sql) -%}
    date_diff('{{ unit }}', {{ start_sql }}, {{ end_sql }})
{%- endmacro %}
{% macro spark__date_diff_sql(unit, start_sql, end_sql) -%}
    timestampdiff({{ unit }}, date_trunc('{{ unit }}', {{ start_sql }}), date_trunc('{{ unit }}', {{ end_sql }}))
{%- endmacro %}

{#- Whether a regular expression (a SQL expression, e.g. a seed column) matches anywhere in a text;
    dispatched (regexp_matches / rlike). -#}
{% macro regexp_matches_sql(expression, pattern_sql) -%}
    {{ return(adapter.dispatch('regexp_matches_sql', 'customer360')(expression, pattern_sql)) }}
{%- endmacro %}
{% macro default__regexp_matches_sql(expression, pattern_sql) -%}
    regexp_matches({{ expression }}, {{ pattern_sql }})
{%- endmacro %}
{% macro spark__regexp_matches_sql(expression, pattern_sql) -%}
    ({{ expression }} rlike {{ pattern_sql }})
{%- endmacro %}

{#- A date or timestamp as text in a strftime format ('%Y-%m-%d', '%Y-%m'); dispatched (strftime /
    date_format with the same pattern). -#}
{% macro format_date_sql(expression, format) -%}
    {{ return(adapter.dispatch('format_date_sql', 'customer360')(expression, format)) }}
{%- endmacro %}
{% macro default__format_date_sql(expression, format) -%}
    strftime({{ expression }}, '{{ format }}')
{%- endmacro %}
{% macro spark__format_date_sql(expression, format) -%}
    date_format({{ expression }}, '{{ format | replace('%Y', 'yyyy') | replace('%m', 'MM') | replace('%d', 'dd') }}')
{%- endmacro %}

{#- One row per month from `start_sql` to `end_sql` (both included), in a select list; dispatched. -#}
{% macro unnest_month_series(start_sql, end_sql) -%}
    {{ return(adapter.dispatch('unnest_month_series', 'customer360')(start_sql, end_sql)) }}
{%- endmacro %}
{% macro default__unnest_month_series(start_sql, end_sql) -%}
    unnest(generate_series({{ start_sql }}, {{ end_sql }}, interval 1 month))
{%- endmacro %}
{% macro spark__unnest_month_series(start_sql, end_sql) -%}
    explode(sequence({{ start_sql }}, {{ end_sql }}, interval 1 month))
{%- endmacro %}

{#- An interval of `months_sql` months; dispatched (to_months / make_ym_interval). -#}
{% macro months_interval(months_sql) -%}
    {{ return(adapter.dispatch('months_interval', 'customer360')(months_sql)) }}
{%- endmacro %}
{% macro default__months_interval(months_sql) -%}
    to_months({{ months_sql }})
{%- endmacro %}
{% macro spark__months_interval(months_sql) -%}
    make_ym_interval(0, {{ months_sql }})
{%- endmacro %}

{#- A select of one row per day, column date_day, from `start_sql` up to `end_sql` excluded; dispatched. -#}
{% macro day_rows(start_sql, end_sql) -%}
    {{ return(adapter.dispatch('day_rows', 'customer360')(start_sql, end_sql)) }}
{%- endmacro %}
{% macro default__day_rows(start_sql, end_sql) -%}
    select cast(range as date) as date_day
    from range({{ start_sql }}, {{ end_sql }}, interval 1 day)
{%- endmacro %}
{% macro spark__day_rows(start_sql, end_sql) -%}
    select explode(sequence({{ start_sql }}, {{ end_sql }} - 1, interval 1 day)) as date_day
{%- endmacro %}

{#- One row per element of a list with its 1-based position, in a select list: columns `value_alias`
    then `position_alias`; dispatched (two zipped unnests / inline of a transform). -#}
{% macro unnest_with_position(list_sql, value_alias, position_alias) -%}
    {{ return(adapter.dispatch('unnest_with_position', 'customer360')(list_sql, value_alias, position_alias)) }}
{%- endmacro %}
{% macro default__unnest_with_position(list_sql, value_alias, position_alias) -%}
    unnest({{ list_sql }}) as {{ value_alias }},
    unnest(range(1, len({{ list_sql }}) + 1)) as {{ position_alias }}
{%- endmacro %}
{% macro spark__unnest_with_position(list_sql, value_alias, position_alias) -%}
    inline(transform({{ list_sql }}, (list_value, list_index) -> named_struct(
        '{{ value_alias }}', list_value, '{{ position_alias }}', list_index + 1
    )))
{%- endmacro %}

{#- Whether a regular expression literal (RE2 and Java) matches anywhere in a text; dispatched. -#}
{% macro regexp_contains(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_contains', 'customer360')(expression, pattern)) }}
{%- endmacro %}
{% macro default__regexp_contains(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}
{% macro spark__regexp_contains(expression, pattern) -%}
    ({{ expression }} rlike r'{{ pattern | replace("''", "\\x{27}") }}')
{%- endmacro %}

{#- Whether a text starts / ends with another (DuckDB starts_with / ends_with, Spark startswith /
    endswith); dispatched. -#}
{% macro starts_with_sql(expression, prefix_sql) -%}
    {{ return(adapter.dispatch('starts_with_sql', 'customer360')(expression, prefix_sql)) }}
{%- endmacro %}
{% macro default__starts_with_sql(expression, prefix_sql) -%}
    starts_with({{ expression }}, {{ prefix_sql }})
{%- endmacro %}
{% macro spark__starts_with_sql(expression, prefix_sql) -%}
    startswith({{ expression }}, {{ prefix_sql }})
{%- endmacro %}

{% macro ends_with_sql(expression, suffix_sql) -%}
    {{ return(adapter.dispatch('ends_with_sql', 'customer360')(expression, suffix_sql)) }}
{%- endmacro %}
{% macro default__ends_with_sql(expression, suffix_sql) -%}
    ends_with({{ expression }}, {{ suffix_sql }})
{%- endmacro %}
{% macro spark__ends_with_sql(expression, suffix_sql) -%}
    endswith({{ expression }}, {{ suffix_sql }})
{%- endmacro %}

{#- An interval of a number of seconds, added to a timestamp; dispatched (to_seconds / make_dt_interval). -#}
{% macro seconds_interval(seconds_sql) -%}
    {{ return(adapter.dispatch('seconds_interval', 'customer360')(seconds_sql)) }}
{%- endmacro %}
{% macro default__seconds_interval(seconds_sql) -%}
    to_seconds({{ seconds_sql }})
{%- endmacro %}
{% macro spark__seconds_interval(seconds_sql) -%}
    make_dt_interval(0, 0, 0, {{ seconds_sql }})
{%- endmacro %}

{#- The average of a decimal column with `scale` decimal places as a double, of the rows where
    `condition` holds: DuckDB's avg of a decimal (a double). Spark's avg of a decimal is a decimal
    rounded to scale + 4 places; there the exact sum in units of the last place, as a double, is divided
    by the count in the same units (one rounding, as DuckDB's). Dispatched. -#}
{% macro decimal_average(column, scale, condition) -%}
    {{ return(adapter.dispatch('decimal_average', 'customer360')(column, scale, condition)) }}
{%- endmacro %}
{% macro default__decimal_average(column, scale, condition) -%}
    avg({{ column }}) filter (where {{ condition }})
{%- endmacro %}
{% macro spark__decimal_average(column, scale, condition) -%}
    cast(sum({{ column }}) filter (where {{ condition }}) * {{ 10 ** scale }} as double)
        / nullif(count({{ column }}) filter (where {{ condition }}) * {{ 10 ** scale }}, 0)
{%- endmacro %}

{#- One row per month from `start_sql` to `end_sql` (both included) as a date, in a select list; dispatched.
    DuckDB casts the series' timestamps; Spark's sequence of dates is dates already, and Spark cannot
    nest its generator (explode) in a cast. -#}
{% macro month_series_dates(start_sql, end_sql) -%}
    {{ return(adapter.dispatch('month_series_dates', 'customer360')(start_sql, end_sql)) }}
{%- endmacro %}
{% macro default__month_series_dates(start_sql, end_sql) -%}
    cast({{ unnest_month_series(start_sql, end_sql) }} as date)
{%- endmacro %}
{% macro spark__month_series_dates(start_sql, end_sql) -%}
    explode(sequence(cast({{ start_sql }} as date), cast({{ end_sql }} as date), interval 1 month))
{%- endmacro %}

{#- A number literal read as a double: DuckDB's 60.0 divides an integer into a double, Spark's 60.0 is a
    decimal (so the quotient and its round() are decimals), 60.0d a double. Dispatched. -#}
{% macro double_literal(number) -%}
    {{ return(adapter.dispatch('double_literal', 'customer360')(number)) }}
{%- endmacro %}
{% macro default__double_literal(number) -%}
    {{ number }}
{%- endmacro %}
{% macro spark__double_literal(number) -%}
    {{ number }}d
{%- endmacro %}

{#- An average as a double: DuckDB's avg of a decimal is a double; Spark's is a decimal rounded to its
    scale + 4 places (a later round() then rounds twice). Dispatched. -#}
{% macro average_as_double(expression) -%}
    {{ return(adapter.dispatch('average_as_double', 'customer360')(expression)) }}
{%- endmacro %}
{% macro default__average_as_double(expression) -%}
    avg({{ expression }})
{%- endmacro %}
{% macro spark__average_as_double(expression) -%}
    avg(cast({{ expression }} as double))
{%- endmacro %}

{#- A decimal divided by a number as DuckDB computes it for a cast to decimal(·, `scale`): DuckDB divides
    into a double, and its cast rounds that double as floor(x * 10^scale + 0.5) / 10^scale (measured on
    20,000 values); Spark's quotient of decimals is exact and would round half up at a tie that DuckDB's
    double falls just below. On Spark the same double and rounding, so the cast is exact. Dispatched. -#}
{% macro double_quotient_for_cast(numerator, denominator, scale) -%}
    {{ return(adapter.dispatch('double_quotient_for_cast', 'customer360')(numerator, denominator, scale)) }}
{%- endmacro %}
{% macro default__double_quotient_for_cast(numerator, denominator, scale) -%}
    {{ numerator }} / {{ denominator }}
{%- endmacro %}
{% macro spark__double_quotient_for_cast(numerator, denominator, scale) -%}
    floor(cast({{ numerator }} as double) / {{ denominator }} * {{ 10 ** scale }}d + 0.5d) / {{ 10 ** scale }}d
{%- endmacro %}
