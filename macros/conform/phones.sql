{#- Phone numbers to E.164 ('+15555550123', '+61298765432'), or null when the text is not a usable
    number, read with the phone plan of the record's country (ref_countries, from phonenumbers'
    metadata: calling code, trunk prefix, exit code, national number lengths).

    - An extension at the end ('x123', 'ext. 123', 'extension 123', '#123') is dropped.
    - Only digits, spaces and ( ) . - / may remain besides a leading '+'; letters make it invalid.
    - International forms: '+', or the country's own exit code first (00 in most of the world, US 011,
      AU 0011; 00 where the plan gives several); a '(0)' written after the country code is dropped
      ('+44 (0)20 ...'). '+1' numbers must be valid NANP numbers; other country codes are kept when they
      have 8 to 15 digits in all. A number starting with another country's exit code is read as national
      (and is usually invalid), as phonenumbers reads it.
    - Otherwise the number is national to the record's country. Calling code 1 (NANP: US, CA, the
      Caribbean): 10 digits, or 11 starting with 1, whose area code and exchange do not start with
      0 or 1. Elsewhere: the trunk prefix is dropped ('0' in GB, DE, AU; '8' in RU) and the national
      number must have the country's minimum to maximum length (at most 15 digits with the calling
      code); a number too long for that which starts with the calling code is the international form
      typed without '+'. A country without a phone plan (Antarctica) accepts only international forms.
    `country_code` is a SQL expression giving the record's ISO alpha-2 code (default: var
    default_country). A correlated lookup of ref_countries that DuckDB plans as one hash join. -#}
{% macro phone_e164(column, country_code=none) -%}
    {{ return(adapter.dispatch('phone_e164', 'customer360')(
        column, country_code if country_code is not none else default_country_literal()
    )) }}
{%- endmacro %}

{% macro duckdb__phone_e164(column, country_code) -%}
    {%- set nanp = "'[2-9][0-9]{2}[2-9][0-9]{6}'" -%}
    list_transform(
        [{
            'phone_text': trim(regexp_replace(
                {{ clean_text(column) }},
                '\s*[,;]?\s*(extension|ext\.?|x|#)\s*[0-9]{1,6}\s*$',
                '',
                'i'
            )),
            'phone_plan': (
                select {
                    'calling_code': cast(countries.calling_code as varchar),
                    'trunk_prefix': cast(countries.trunk_prefix as varchar),
                    'international_prefix': cast(countries.international_prefix as varchar),
                    'min_length': cast(countries.national_number_min_length as integer),
                    'max_length': cast(countries.national_number_max_length as integer)
                }
                from {{ ref('ref_countries') }} as countries
                where countries.country_code = {{ country_code }}
            )
        }],
        lambda raw_phone: list_transform(
            [{
                'phone_text': raw_phone.phone_text,
                'phone_digits': regexp_replace(raw_phone.phone_text, '[^0-9]', '', 'g'),
                'phone_plan': raw_phone.phone_plan
            }],
            lambda p: case
                when not regexp_full_match(p.phone_text, '\+?[0-9 ().\-/]*[0-9][0-9 ().\-/]*') then null
                -- international: '+' or the country's exit code (00 where the plan gives none), then the
                -- country code
                when p.phone_text like '+%'
                    or starts_with(p.phone_digits, coalesce(p.phone_plan.international_prefix, '00'))
                    then list_transform(
                        [regexp_replace(
                            regexp_replace(p.phone_text, '\(0\)', ''),
                            '^[^0-9+]*(\+|' || coalesce(p.phone_plan.international_prefix, '00') || ')|[^0-9]', '', 'g'
                        )],
                        lambda d: case
                            when d like '1%'
                                then case when regexp_full_match(d[2:], {{ nanp }}) then '+' || d end
                            when regexp_full_match(d, '[2-9][0-9]{7,14}') then '+' || d
                        end
                    )[1]
                -- national, NANP
                when p.phone_plan.calling_code = '1' then case
                    when regexp_full_match(p.phone_digits, {{ nanp }}) then '+1' || p.phone_digits
                    when regexp_full_match(p.phone_digits, '1' || {{ nanp }}) then '+' || p.phone_digits
                end
                -- national elsewhere: trunk prefix dropped, national length checked
                else list_transform(
                    [case
                        when starts_with(p.phone_digits, p.phone_plan.trunk_prefix)
                            then p.phone_digits[length(p.phone_plan.trunk_prefix) + 1:]
                        else p.phone_digits
                    end],
                    lambda n: case
                        when length(n) between p.phone_plan.min_length and p.phone_plan.max_length
                            and length(p.phone_plan.calling_code || n) <= 15
                            then '+' || p.phone_plan.calling_code || n
                        when length(n) > p.phone_plan.max_length
                            and starts_with(p.phone_digits, p.phone_plan.calling_code)
                            and length(p.phone_digits) - length(p.phone_plan.calling_code)
                            between p.phone_plan.min_length and p.phone_plan.max_length
                            and length(p.phone_digits) <= 15
                            then '+' || p.phone_digits
                    end
                )[1]
            end
        )[1]
    )[1]
{%- endmacro %}

{#- Spark: the same steps, with transform(array(..), x -> ..) binding the intermediate values as
    DuckDB's list_transform does, named_struct for the plan, (?i) for the case-insensitive extension, and
    an aggregated lookup (Spark wants a correlated scalar subquery aggregated). Spark refuses a subquery
    inside a higher-order function, so the steps are the body of a session SQL function
    (spark_session_function) and the plan lookup is its argument. -#}
{% macro spark__phone_e164(column, country_code) -%}
    {%- set nanp = "[2-9][0-9]{2}[2-9][0-9]{6}" -%}
    {%- set body -%}
    element_at(transform(
        array(named_struct(
            'phone_text', trim(regexp_replace(
                phone_clean,
                r'(?i)\s*[,;]?\s*(extension|ext\.?|x|#)\s*[0-9]{1,6}\s*$',
                ''
            )),
            'phone_plan', phone_plan
        )),
        raw_phone -> element_at(transform(
            array(named_struct(
                'phone_text', raw_phone.phone_text,
                'phone_digits', regexp_replace(raw_phone.phone_text, '[^0-9]', ''),
                'phone_plan', raw_phone.phone_plan
            )),
            p -> case
                when not {{ regexp_full_match('p.phone_text', '\\+?[0-9 ().\\-/]*[0-9][0-9 ().\\-/]*') }} then null
                when p.phone_text like '+%'
                    or startswith(p.phone_digits, coalesce(p.phone_plan.international_prefix, '00'))
                    then element_at(transform(
                        array(regexp_replace(
                            regexp_replace(p.phone_text, r'\(0\)', ''),
                            concat(r'^[^0-9+]*(\+|', coalesce(p.phone_plan.international_prefix, '00'), ')|[^0-9]'), ''
                        )),
                        d -> case
                            when d like '1%'
                                then case when {{ regexp_full_match('substring(d, 2)', nanp) }} then '+' || d end
                            when {{ regexp_full_match('d', '[2-9][0-9]{7,14}') }} then '+' || d
                        end
                    ), 1)
                when p.phone_plan.calling_code = '1' then case
                    when {{ regexp_full_match('p.phone_digits', nanp) }} then '+1' || p.phone_digits
                    when {{ regexp_full_match('p.phone_digits', '1' ~ nanp) }} then '+' || p.phone_digits
                end
                else element_at(transform(
                    array(case
                        when startswith(p.phone_digits, p.phone_plan.trunk_prefix)
                            then substring(p.phone_digits, length(p.phone_plan.trunk_prefix) + 1)
                        else p.phone_digits
                    end),
                    n -> case
                        when length(n) between p.phone_plan.min_length and p.phone_plan.max_length
                            and length(p.phone_plan.calling_code || n) <= 15
                            then '+' || p.phone_plan.calling_code || n
                        when length(n) > p.phone_plan.max_length
                            and startswith(p.phone_digits, p.phone_plan.calling_code)
                            and length(p.phone_digits) - length(p.phone_plan.calling_code)
                            between p.phone_plan.min_length and p.phone_plan.max_length
                            and length(p.phone_digits) <= 15
                            then '+' || p.phone_digits
                    end
                ), 1)
            end
        ), 1)
    ), 1)
    {%- endset -%}
    {%- set function = spark_session_function(
        'customer360_phone_e164',
        'phone_clean string, phone_plan struct<calling_code: string, trunk_prefix: string, '
            ~ 'international_prefix: string, min_length: int, max_length: int>',
        'string',
        body
    ) -%}
    {{ function }}(
        {{ clean_text(column) }},
        (
            select first(named_struct(
                'calling_code', cast(countries.calling_code as string),
                'trunk_prefix', cast(countries.trunk_prefix as string),
                'international_prefix', cast(countries.international_prefix as string),
                'min_length', cast(countries.national_number_min_length as int),
                'max_length', cast(countries.national_number_max_length as int)
            ))
            from {{ ref('ref_countries') }} as countries
            where countries.country_code = {{ country_code }}
        )
    )
{%- endmacro %}
