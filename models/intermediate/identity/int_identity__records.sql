{#- The input of identity resolution: every record that can belong to a customer. Conformed person
    records carry person fields; web sessions and card-only store sales carry none and reach a
    customer through reference links (int_identity__deterministic_links) or their source customer key.
    A record is identifiable when anything identifies a person: a name, a valid email, a phone, an id
    number, a source system's customer key (a billing customer, a loyalty card, a web account), or a
    birth date with an address; records with nothing (blocked callers, anonymous sessions) cannot found
    a customer on their own. -#}

with

persons as (
    select * from {{ ref('int_conform__persons') }}
),

nicknames as (
    select * from {{ ref('ref_nicknames') }}
),

-- every canonical first name a first name may stand for: itself, its preferred canonical name
-- and every other name it is a nickname of (ted -> edward, theodore, edmund)
known_first_names as (
    select nickname as first_name from nicknames
    union
    select canonical_first_name from nicknames
),

first_name_keys as (
    select
        persons.record_key,
        {{ list_sorted_distinct(list_concat_sql(
            'coalesce(' ~ list_agg('nicknames.canonical_first_name')
            ~ ' filter (where nicknames.canonical_first_name is not null), ' ~ empty_text_list() ~ ')',
            list_of(['persons.first_name', 'persons.first_name_canonical'])
        )) }} as first_name_keys
    from persons
    left join nicknames
        on persons.first_name = nicknames.nickname
    where persons.first_name is not null
    group by persons.record_key, persons.first_name, persons.first_name_canonical
),

first_name_key_items as (
    select distinct
        first_name_keys.first_name_keys,
        {{ unnest_list('first_name_keys.first_name_keys') }} as first_name_key
    from first_name_keys
),

first_name_variants as (
    -- every name a set of first-name keys may be written as: the keys and all their nicknames
    -- (robert -> bob, bobby, rob, robbie, ...), so that a mistyped nickname ("bobyb") can be recognised
    select
        first_name_key_items.first_name_keys,
        {{ list_sorted_distinct(list_concat_sql(
            'first_name_key_items.first_name_keys',
            'coalesce(' ~ list_agg('nicknames.nickname') ~ ' filter (where nicknames.nickname is not null), '
            ~ empty_text_list() ~ ')'
        )) }} as first_name_variants
    from first_name_key_items
    left join nicknames
        on first_name_key_items.first_name_key = nicknames.canonical_first_name
    group by first_name_key_items.first_name_keys
),

person_records as (
    select
        persons.record_key,
        persons.source_system,
        persons.source_table,
        'person_fields' as record_kind,
        persons.first_name,
        persons.first_name_canonical,
        first_name_keys.first_name_keys,
        first_name_variants.first_name_variants,
        known_first_names.first_name is not null as is_known_first_name,
        persons.middle_initial,
        persons.last_name,
        persons.name_suffix,
        -- a plus tag never tells two people apart, whatever the provider's own rules say
        -- (one @ in a valid email: the first match is every match)
        {{ regexp_replace_all('persons.email_match_key', '\\+[^@]*@', '@') }} as email_key,
        persons.phone_e164,
        persons.address_line_1,
        persons.address_unit,
        persons.postal_code,
        persons.city,
        -- every normalised national id takes part (an export's id numbers need not follow the
        -- country's format to tell people apart), within its country
        case
            when persons.national_id is not null then persons.country_code || ':' || persons.national_id
        end as national_id,
        persons.is_national_id_valid,
        -- the customer key of a source system the record is, or points to: records on one key are one
        -- customer even without any personal data (an order's billing customer, a store sale's card)
        persons.source_customer_key,
        persons.birth_date,
        persons.first_seen_at
    from persons
    left join first_name_keys
        on persons.record_key = first_name_keys.record_key
    left join first_name_variants
        on first_name_keys.first_name_keys = first_name_variants.first_name_keys
    left join known_first_names
        on persons.first_name = known_first_names.first_name
),

{% if source_enabled('web') %}
web_sessions as (
    select
        record_key,
        'web' as source_system,
        'sessions' as source_table,
        {{ record_key('web', 'registrations', 'web_user_id') }} as source_customer_key,
        started_at as first_seen_at
    from {{ ref('stg_web__sessions') }}
    where not is_rejected
),
{% endif %}

{% if source_enabled('pos') %}
card_only_sales as (
    -- store sales with a loyalty card but no typed name or email (the named ones are person records)
    select
        record_key,
        'pos' as source_system,
        'transactions' as source_table,
        {{ record_key('pos', 'loyalty_members', 'loyalty_card_number') }} as source_customer_key,
        transacted_at as first_seen_at
    from {{ ref('stg_pos__transactions') }}
    where
        not is_rejected
        and loyalty_card_number is not null
        and customer_name is null
        and customer_email is null
),
{% endif %}

reference_only_records as (
    select
        cast(null as {{ dbt.type_string() }}) as record_key,
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as {{ dbt.type_string() }}) as source_customer_key,
        cast(null as timestamp) as first_seen_at
    where false
    {%- if source_enabled('web') %}
    union all
    select * from web_sessions
    {%- endif %}
    {%- if source_enabled('pos') %}
    union all
    select * from card_only_sales
    {%- endif %}
),

unioned as (
    select * from person_records
    union all
    select
        record_key,
        source_system,
        source_table,
        'reference_only' as record_kind,
        null as first_name,
        null as first_name_canonical,
        null as first_name_keys,
        null as first_name_variants,
        null as is_known_first_name,
        null as middle_initial,
        null as last_name,
        null as name_suffix,
        null as email_key,
        null as phone_e164,
        null as address_line_1,
        null as address_unit,
        null as postal_code,
        null as city,
        null as national_id,
        null as is_national_id_valid,
        source_customer_key,
        null as birth_date,
        first_seen_at
    from reference_only_records
),

final as (
    select
        record_key,
        source_system,
        source_table,
        record_kind,
        first_name,
        first_name_canonical,
        first_name_keys,
        first_name_variants,
        is_known_first_name,
        middle_initial,
        last_name,
        name_suffix,
        email_key,
        phone_e164,
        address_line_1,
        address_unit,
        postal_code,
        city,
        national_id,
        is_national_id_valid,
        source_customer_key,
        first_name is not null or last_name is not null as has_name,
        -- anything that identifies a person: a name, an email, a phone, an id number, a source system's
        -- customer key, or a birth date with an address
        coalesce(
            first_name, last_name, email_key, phone_e164, national_id, source_customer_key,
            case when birth_date is not null then coalesce(address_line_1, postal_code) end
        ) is not null as is_identifiable,
        coalesce(email_key, phone_e164, national_id, cast(birth_date as {{ dbt.type_string() }})) is not null
            as has_identifier,
        birth_date,
        first_seen_at
    from unioned
)

select * from final
