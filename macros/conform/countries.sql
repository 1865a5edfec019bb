{#- Countries: the lookup key of country and subdivision spellings, a country column read as an ISO
    alpha-2 code, and a record's country (its own column, else its source's, else the default). -#}

{#- The key a country or subdivision spelling is looked up by in ref_country_names.country_input
    and ref_country_subdivisions.subdivision_input (python customer360.reference.lookup_key):
    accents removed, upper case (a sharp s as SS), periods and apostrophes removed, every other run
    of characters that are not letters or digits one space, trimmed ('Baden-Württemberg' ->
    'BADEN WURTTEMBERG', 'U.S.A.' -> 'USA', 'n. mex.' -> 'N MEX'). Null words are kept: NA is
    Namibia, and Navarra's code. -#}
{% macro reference_lookup_key(column) -%}
    {{ return(adapter.dispatch('reference_lookup_key', 'customer360')(column)) }}
{%- endmacro %}

{% macro duckdb__reference_lookup_key(column) -%}
    nullif(trim(regexp_replace(
        regexp_replace(
            replace(upper(strip_accents({{ clean_text(column, null_words=false) }})), chr(7838), 'SS'),
            '[.''\x{2018}\x{2019}`]', '', 'g'
        ),
        '[^\pL\pN]+', ' ', 'g'
    )), '')
{%- endmacro %}


{#- The configured default country as a SQL literal (var default_country, ISO alpha-2, upper case). -#}
{% macro default_country_literal() -%}
    {%- set code = (var('default_country', 'US') or '') | string | trim | upper -%}
    {%- if not modules.re.fullmatch('[A-Z]{2}', code) -%}
        {{ exceptions.raise_compiler_error(
            "var default_country must be an ISO 3166-1 alpha-2 code such as US, GB or AU, not '" ~ code ~ "'"
        ) }}
    {%- endif -%}
    '{{ code }}'
{%- endmacro %}


{#- The var source_countries (system -> ISO alpha-2) checked and upper-cased, as a dict. -#}
{% macro source_countries() -%}
    {%- set configured = var('source_countries', {}) or {} -%}
    {%- if configured is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "var source_countries must be a map of source system to country code, e.g. {policy: AU}"
        ) }}
    {%- endif -%}
    {%- set countries = {} -%}
    {%- for system, code in configured.items() -%}
        {%- set code = (code or '') | string | trim | upper -%}
        {%- if not modules.re.fullmatch('[A-Z]{2}', code) -%}
            {{ exceptions.raise_compiler_error(
                "var source_countries: the country of '" ~ system ~ "' must be an ISO 3166-1 alpha-2 code, not '" ~ code ~ "'"
            ) }}
        {%- endif -%}
        {%- do countries.update({system | string | lower: code}) -%}
    {%- endfor -%}
    {{ return(countries) }}
{%- endmacro %}


{#- The ISO alpha-2 code of a country typed as a code, a name or a common alias ('AU', 'AUS',
    'Australia', 'UK', 'Deutschland', 'U.S.A.'), from seed ref_country_names; null when unknown.
    A correlated lookup that DuckDB plans as one hash join. -#}
{% macro country_code(column) -%}
    (
        select country_names.country_code
        from {{ ref('ref_country_names') }} as country_names
        where country_names.country_input = {{ reference_lookup_key(column) }}
    )
{%- endmacro %}


{#- The country a record belongs to: its own country column when the source has one and the value
    is a known country (country_code), else var source_countries[<source system>], else var
    default_country. `country_column` may be none for sources without one. -#}
{% macro record_country_code(country_column, source_system_column) -%}
    {%- set by_system = source_countries() -%}
    coalesce(
        {%- if country_column is not none %}
        {{ country_code(country_column) }},
        {%- endif %}
        {%- if by_system %}
        case {{ source_system_column }}
            {%- for system, code in by_system.items() %}
            when '{{ system }}' then '{{ code }}'
            {%- endfor %}
        end,
        {%- endif %}
        {{ default_country_literal() }}
    )
{%- endmacro %}

{#- Spark: strip_accents is the session function customer360_strip_accents; Spark's upper() already
    makes a sharp s SS. -#}
{% macro spark__reference_lookup_key(column) -%}
    nullif(trim({{ regexp_replace_all(
        regexp_replace_all(
            "replace(upper(customer360_strip_accents(" ~ clean_text(column, null_words=false) ~ ")), '\u1E9E', 'SS')",
            "[.''\\x{2018}\\x{2019}`]", ''
        ),
        '[^\\pL\\pN]+', ' '
    ) }}), '')
{%- endmacro %}
