{#- Trim, fold every run of whitespace (incl. no-break and zero-width spaces, BOM) to one space,
    and turn empty strings and null tokens (NULL, N/A) into SQL null. Works on text or typed input. -#}
{% macro clean_text(column) -%}
    {{ return(adapter.dispatch('clean_text', 'customer360')(column)) }}
{%- endmacro %}

{% macro default__clean_text(column) -%}
    case
        when upper(trim(cast({{ column }} as {{ dbt.type_string() }}))) in ('', 'NULL', 'N/A', 'NA', 'NONE')
            then null
        else trim(cast({{ column }} as {{ dbt.type_string() }}))
    end
{%- endmacro %}

{% macro duckdb__clean_text(column) -%}
    nullif(
        case
            when upper(trim(cast({{ column }} as varchar))) in ('NULL', 'N/A', 'NA', 'NONE') then null
            else trim(regexp_replace(cast({{ column }} as varchar), '[\s\x{00A0}\x{200B}\x{FEFF}]+', ' ', 'g'))
        end,
        ''
    )
{%- endmacro %}

{#- A picklist value as a lower snake_case category: 'Closed - Converted' -> 'closed_converted'. -#}
{% macro category(column) -%}
    nullif(trim(regexp_replace(lower({{ clean_text(column) }}), '[^a-z0-9]+', '_', 'g'), '_'), '')
{%- endmacro %}
