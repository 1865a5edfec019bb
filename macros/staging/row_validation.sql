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
    every reason whose condition holds is listed, separated by '; '. -#}
{% macro rejection_reason(checks) -%}
    nullif(concat_ws(
        '; '
        {%- for condition, reason in checks %},
        case when {{ condition }} then '{{ reason }}' end
        {%- endfor %}
    ), '')
{%- endmacro %}

{#- True for every occurrence of an id after the first: the newest load wins, then file order. -#}
{% macro is_duplicate_id(id_column, loaded_at_column='loaded_at') -%}
    ({{ id_column }} is not null and row_number() over (
        partition by {{ id_column }}
        order by {{ loaded_at_column }} desc nulls last, source_row_number
    ) > 1)
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
