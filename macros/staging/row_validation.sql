{#- Names of the fields whose text is present but did not parse, comma-separated, or null.
    `parsed` maps each raw column to its parse expression, e.g. {'birthdate': parse_date('birthdate')}. -#}
{% macro unparsed_fields(parsed) -%}
    nullif(concat_ws(
        ', '
        {%- for raw_column, expression in parsed.items() %},
        case when {{ clean_text(raw_column) }} is not null and ({{ expression }}) is null then '{{ raw_column }}' end
        {%- endfor %}
    ), '')
{%- endmacro %}

{#- Why a staged row cannot be used, or null. `checks` is a list of (condition, reason) pairs;
    every reason whose condition holds is listed, separated by '; '. With `unique_id`, later
    occurrences of an id are rejected as 'duplicate id': a row that passes the other checks wins,
    then the newest load, then file order — so a broken newer copy never hides a good older one. -#}
{% macro rejection_reason(checks, unique_id=none) -%}
    {%- set failed_conditions = [] -%}
    {%- for condition, reason in checks -%}
        {%- do failed_conditions.append('coalesce((' ~ condition ~ '), false)') -%}
    {%- endfor -%}
    nullif(concat_ws(
        '; '
        {%- for condition, reason in checks %},
        case when {{ condition }} then '{{ reason }}' end
        {%- endfor %}
        {%- if unique_id is not none %},
        case
            when {{ unique_id }} is not null and row_number() over (
                partition by {{ unique_id }}
                order by
                    case when {{ failed_conditions | join(' or ') if failed_conditions else 'false' }} then 1 else 0 end,
                    loaded_at desc nulls last,
                    source_row_number
            ) > 1 then 'duplicate id'
        end
        {%- endif %}
    ), '')
{%- endmacro %}

{#- The readable, stable key of a source record: <system>:<table>:<source id>. -#}
{% macro record_key(system, table, id_column) -%}
    {{ dbt.concat(["'" ~ system ~ ":" ~ table ~ ":'", id_column]) }}
{%- endmacro %}

{#- The whole landed row as JSON text, kept for quarantined rows so nothing is lost. -#}
{% macro raw_row_json(relation_alias) -%}
    {{ return(adapter.dispatch('raw_row_json', 'customer360')(relation_alias)) }}
{%- endmacro %}

{% macro duckdb__raw_row_json(relation_alias) -%}
    cast(to_json({{ relation_alias }}) as varchar)
{%- endmacro %}

{#- Spark: null fields kept (Spark's to_json drops them by default) and timestamps written as DuckDB
    writes them. -#}
{% macro spark__raw_row_json(relation_alias) -%}
    to_json(struct({{ relation_alias }}.*), map('ignoreNullFields', 'false', 'timestampFormat', 'yyyy-MM-dd HH:mm:ss'))
{%- endmacro %}
