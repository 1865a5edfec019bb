{#- Phone numbers to E.164 ('+15555550123'), or null when the text is not a usable number.

    - An extension at the end ('x123', 'ext. 123', 'extension 123', '#123') is dropped.
    - Only digits, spaces and ( ) . - / may remain besides a leading '+'; letters make it invalid.
    - '+' or the US exit code 011 first: an international number. '+1' numbers must be valid NANP
      numbers; other country codes are kept when they have 8 to 15 digits in all.
    - Otherwise the number is national to `default_country_code` (var default_phone_country_code).
      For '1' (NANP): 10 digits, or 11 starting with 1; area code and exchange cannot start with
      0 or 1. For another code: a leading trunk 0 is dropped and 8 to 15 digits in all are kept. -#}
{% macro phone_e164(column, default_country_code=none) -%}
    {%- set country_code = (
        default_country_code if default_country_code is not none
        else var('default_phone_country_code', '1')
    ) | string -%}
    {{ return(adapter.dispatch('phone_e164', 'customer360')(column, country_code)) }}
{%- endmacro %}

{% macro duckdb__phone_e164(column, default_country_code) -%}
    {%- set nanp = "'[2-9][0-9]{2}[2-9][0-9]{6}'" -%}
    list_transform(
        [trim(regexp_replace(
            {{ clean_text(column) }},
            '\s*[,;]?\s*(extension|ext\.?|x|#)\s*[0-9]{1,6}\s*$',
            '',
            'i'
        ))],
        lambda phone_text: list_transform(
            [{'phone_text': phone_text, 'phone_digits': regexp_replace(phone_text, '[^0-9]', '', 'g')}],
            lambda p: case
                when not regexp_full_match(p.phone_text, '\+?[0-9 ().\-/]*[0-9][0-9 ().\-/]*') then null
                -- international: '+' or the US exit code 011
                when p.phone_text like '+%' or (p.phone_text like '011%' and length(p.phone_digits) > 11)
                    then list_transform(
                        [case when p.phone_text like '+%' then p.phone_digits else p.phone_digits[4:] end],
                        lambda d: case
                            when d like '1%'
                                then case when regexp_full_match(d[2:], {{ nanp }}) then '+' || d end
                            when regexp_full_match(d, '[2-9][0-9]{7,14}') then '+' || d
                        end
                    )[1]
                {%- if default_country_code == '1' %}
                when regexp_full_match(p.phone_digits, {{ nanp }}) then '+1' || p.phone_digits
                when regexp_full_match(p.phone_digits, '1' || {{ nanp }}) then '+' || p.phone_digits
                {%- else %}
                when length('{{ default_country_code }}' || regexp_replace(p.phone_digits, '^0', '')) between 8 and 15
                    then '+{{ default_country_code }}' || regexp_replace(p.phone_digits, '^0', '')
                {%- endif %}
            end
        )[1]
    )[1]
{%- endmacro %}
