-- The provider rules inside the email_match_key macro equal the ref_email_provider_rules seed:
-- every row returned is a domain missing on one side or with a different rule.
with

seed_rules as (
    select
        email_domain,
        canonical_domain,
        ignores_local_dots,
        subaddress_separator
    from {{ ref('ref_email_provider_rules') }}
),

macro_rules as (
    select
        macro_values.email_domain,
        macro_values.canonical_domain,
        macro_values.ignores_local_dots,
        macro_values.subaddress_separator
    from (
        values
        {% for rule in email_provider_rules() -%}
        (
            '{{ rule.domain }}',
            '{{ rule.canonical_domain }}',
            {{ rule.ignores_local_dots | lower }},
            '{{ rule.separator }}'
        ){{ "," if not loop.last }}
        {% endfor %}
    ) as macro_values (email_domain, canonical_domain, ignores_local_dots, subaddress_separator)
),

final as (
    select
        coalesce(seed_rules.email_domain, macro_rules.email_domain) as email_domain,
        seed_rules.email_domain is not null as is_in_seed,
        macro_rules.email_domain is not null as is_in_macro
    from seed_rules
    full outer join macro_rules
        on seed_rules.email_domain = macro_rules.email_domain
    where
        seed_rules.email_domain is null
        or macro_rules.email_domain is null
        or seed_rules.canonical_domain <> macro_rules.canonical_domain
        or seed_rules.ignores_local_dots <> macro_rules.ignores_local_dots
        or seed_rules.subaddress_separator <> macro_rules.subaddress_separator
)

select * from final
