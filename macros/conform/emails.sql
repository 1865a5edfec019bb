{#- Email addresses: normalised text, validity, domain and the identity key.
    The provider rules below must equal seeds/ref_email_provider_rules.csv
    (tests/macros/test_email_provider_rules_match_seed.sql compares them). -#}

{#- One dict per mailbox provider: domain, canonical domain, whether dots in the local part are
    ignored, and the sub-address separator after which a tag is dropped. -#}
{% macro email_provider_rules() -%}
    {{ return([
        {'domain': 'fastmail.com', 'canonical_domain': 'fastmail.com', 'ignores_local_dots': false, 'separator': '+'},
        {'domain': 'gmail.com', 'canonical_domain': 'gmail.com', 'ignores_local_dots': true, 'separator': '+'},
        {'domain': 'googlemail.com', 'canonical_domain': 'gmail.com', 'ignores_local_dots': true, 'separator': '+'},
        {'domain': 'hotmail.com', 'canonical_domain': 'hotmail.com', 'ignores_local_dots': false, 'separator': '+'},
        {'domain': 'icloud.com', 'canonical_domain': 'icloud.com', 'ignores_local_dots': false, 'separator': '+'},
        {'domain': 'live.com', 'canonical_domain': 'live.com', 'ignores_local_dots': false, 'separator': '+'},
        {'domain': 'mac.com', 'canonical_domain': 'icloud.com', 'ignores_local_dots': false, 'separator': '+'},
        {'domain': 'me.com', 'canonical_domain': 'icloud.com', 'ignores_local_dots': false, 'separator': '+'},
        {'domain': 'msn.com', 'canonical_domain': 'msn.com', 'ignores_local_dots': false, 'separator': '+'},
        {'domain': 'outlook.com', 'canonical_domain': 'outlook.com', 'ignores_local_dots': false, 'separator': '+'},
        {'domain': 'proton.me', 'canonical_domain': 'proton.me', 'ignores_local_dots': false, 'separator': '+'},
        {'domain': 'protonmail.com', 'canonical_domain': 'protonmail.com', 'ignores_local_dots': false, 'separator': '+'},
        {'domain': 'rocketmail.com', 'canonical_domain': 'rocketmail.com', 'ignores_local_dots': false, 'separator': '-'},
        {'domain': 'yahoo.com', 'canonical_domain': 'yahoo.com', 'ignores_local_dots': false, 'separator': '-'},
        {'domain': 'ymail.com', 'canonical_domain': 'ymail.com', 'ignores_local_dots': false, 'separator': '-'},
    ]) }}
{%- endmacro %}


{#- Lower case and trimmed; empty strings and null tokens become null. Otherwise kept as given. -#}
{% macro email_normalized(column) -%}
    {{ return(adapter.dispatch('email_normalized', 'customer360')(column)) }}
{%- endmacro %}

{% macro default__email_normalized(column) -%}
    lower({{ clean_text(column) }})
{%- endmacro %}


{#- Pragmatic syntax check: one @, a local part of the usual characters without leading, trailing
    or doubled dots, and a domain of dot-separated labels ending in a 2+ letter top-level domain.
    False for null. -#}
{% macro is_valid_email(column) -%}
    {{ return(adapter.dispatch('is_valid_email', 'customer360')(column)) }}
{%- endmacro %}

{% macro duckdb__is_valid_email(column) -%}
    coalesce(regexp_full_match(
        {{ email_normalized(column) }},
        '[a-z0-9!#$%&''*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&''*+/=?^_`{|}~-]+)*@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}'
    ), false)
{%- endmacro %}


{#- The domain (after the @) of a valid email, lower case; null for an invalid one. -#}
{% macro email_domain(column) -%}
    {{ return(adapter.dispatch('email_domain', 'customer360')(column)) }}
{%- endmacro %}

{% macro default__email_domain(column) -%}
    case
        when {{ is_valid_email(column) }}
            then {{ dbt.split_part(email_normalized(column), "'@'", 2) }}
    end
{%- endmacro %}


{#- The identity key of a valid email: lower case, and for the providers in email_provider_rules()
    the domain canonicalised (googlemail.com -> gmail.com), dots in the local part removed where the
    provider ignores them, and a sub-address tag (user+tag, or user-tag at Yahoo) dropped.
    Other domains keep their local part as given. Null for an invalid email. -#}
{% macro email_match_key(column) -%}
    {{ return(adapter.dispatch('email_match_key', 'customer360')(column)) }}
{%- endmacro %}

{#- Portable (split_part, replace, ||): both engines use it. -#}
{% macro default__email_match_key(column) -%}
    {%- set email = email_normalized(column) -%}
    {%- set local_part = "split_part(" ~ email ~ ", '@', 1)" -%}
    {%- set domain = "split_part(" ~ email ~ ", '@', 2)" -%}
    case
        when {{ is_valid_email(column) }} then
            case {{ domain }}
                {%- for rule in email_provider_rules() %}
                    {%- set untagged = "split_part(" ~ local_part ~ ", '" ~ rule.separator ~ "', 1)" %}
                    {%- set key_local = "replace(" ~ untagged ~ ", '.', '')" if rule.ignores_local_dots else untagged %}
                when '{{ rule.domain }}'
                    then nullif({{ key_local }}, '') || '@{{ rule.canonical_domain }}'
                {%- endfor %}
                else {{ email }}
            end
    end
{%- endmacro %}

{% macro spark__is_valid_email(column) -%}
    coalesce({{ regexp_full_match(
        email_normalized(column),
        "[a-z0-9!#$%&''*+/=?^_`{|}~-]+(\\.[a-z0-9!#$%&''*+/=?^_`{|}~-]+)*@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}"
    ) }}, false)
{%- endmacro %}
