{#- National identification numbers (US SSN, UK National Insurance number, German tax id,
    Australian TFN, ...): kept as normalised text whatever their format, with a validity flag by the
    rule of the record's country (seed ref_national_id_rules). -#}

{#- A national id as upper-case letters and digits only: spaces, hyphens, dots and every other
    character removed ('123-45-6789' -> '123456789', 'qq 12 34 56 c' -> 'QQ123456C'). Never nulled
    for its format; null only when nothing is left (or for a null token such as N/A). -#}
{% macro national_id_normalized(column) -%}
    {{ return(adapter.dispatch('national_id_normalized', 'customer360')(column)) }}
{%- endmacro %}

{% macro duckdb__national_id_normalized(column) -%}
    nullif(regexp_replace(upper(strip_accents({{ clean_text(column) }})), '[^A-Z0-9]', '', 'g'), '')
{%- endmacro %}


{#- True when a normalised national id (national_id_normalized) is well formed for the record's
    country: it fully matches the country's valid_pattern in ref_national_id_rules and does not match
    its invalid_pattern (US SSN: 9 digits, area not 000, 666 or 9xx, group not 00, serial not 0000;
    GB National Insurance number; DE 11-digit tax id; AU 8-9 digit TFN); a country without a row
    takes the generic rule, 5 to 20 letters and digits. An id of one repeated character
    ('111111111') is never valid. False for null. `country_code` is a SQL expression giving the
    record's ISO alpha-2 code (default: var default_country). A correlated lookup of the seed that
    DuckDB plans as one hash join; the patterns are RE2 regular expressions read from the seed. -#}
{% macro is_national_id_valid(column, country_code=none) -%}
    {{ return(adapter.dispatch('is_national_id_valid', 'customer360')(
        column, country_code if country_code is not none else default_country_literal()
    )) }}
{%- endmacro %}

{% macro duckdb__is_national_id_valid(column, country_code) -%}
    coalesce(list_transform(
        [{
            'national_id': {{ column }},
            'id_rule': (
                select {
                    'valid_pattern': cast(rules.valid_pattern as varchar),
                    'invalid_pattern': cast(rules.invalid_pattern as varchar)
                }
                from {{ ref('ref_national_id_rules') }} as rules
                where rules.country_code = {{ country_code }}
            )
        }],
        lambda id_check: regexp_full_match(
            id_check.national_id, coalesce(id_check.id_rule.valid_pattern, '[A-Z0-9]{5,20}')
        )
            and not coalesce(regexp_full_match(id_check.national_id, id_check.id_rule.invalid_pattern), false)
            and length(replace(id_check.national_id, left(id_check.national_id, 1), '')) > 0
    )[1], false)
{%- endmacro %}

{% macro spark__national_id_normalized(column) -%}
    nullif({{ regexp_replace_all('upper(customer360_strip_accents(' ~ clean_text(column) ~ '))', '[^A-Z0-9]', '') }}, '')
{%- endmacro %}

{#- Spark: the same rule as two correlated lookups of the seed (no lists or lambdas); the seed's
    patterns are read by Java's regular expressions, anchored. -#}
{% macro spark__is_national_id_valid(column, country_code) -%}
    coalesce(
        {{ column }} rlike concat('^(?:', coalesce((
            select max(cast(rules.valid_pattern as string))
            from {{ ref('ref_national_id_rules') }} as rules
            where rules.country_code = {{ country_code }}
        ), '[A-Z0-9]{5,20}'), ')$')
        and not coalesce({{ column }} rlike concat('^(?:', (
            select max(cast(rules.invalid_pattern as string))
            from {{ ref('ref_national_id_rules') }} as rules
            where rules.country_code = {{ country_code }}
        ), ')$'), false)
        and length(replace({{ column }}, left({{ column }}, 1), '')) > 0,
        false
    )
{%- endmacro %}
