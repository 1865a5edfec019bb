{#- One golden record per customer, each attribute chosen by survivorship among the customer's
    conformed person records, with the record it came from (explainable survivorship).

    For each attribute, the candidate values are the non-null values of the customer's records that
    are valid (a valid email, a phone in E.164, a national id valid for its country, a plausible birth date); an invalid
    value never survives, even when it is the only one. Among candidates the winner is decided by:
      1. source trust rank for the attribute group (ref_source_trust; unlisted tables rank last),
      2. completeness: how many attributes of the group the record fills (names: first, middle
         initial, last, suffix),
      3. recency: the record the source captured most recently (first_seen_at; last_seen_at also
         moves with edits of other fields and, for the policy extract, with every extract),
      4. the record key, so that the choice is deterministic.
    The address is one block (street, unit, city, state, postcode, country from one record): the customer's current
    address from int_identity__households, the one its household is keyed on. -#}

{%- set attributes = [
    {'name': 'first_name', 'group': 'name', 'value': 'first_name', 'is_valid': 'true'},
    {'name': 'middle_initial', 'group': 'name', 'value': 'middle_initial', 'is_valid': 'true'},
    {'name': 'last_name', 'group': 'name', 'value': 'last_name', 'is_valid': 'true'},
    {'name': 'name_suffix', 'group': 'name', 'value': 'name_suffix', 'is_valid': 'true'},
    {'name': 'email', 'group': 'email', 'value': 'email', 'is_valid': 'coalesce(is_email_valid, false)'},
    {'name': 'phone', 'group': 'phone', 'value': 'phone_e164', 'is_valid': 'true'},
    {'name': 'birth_date', 'group': 'birth_date', 'value': 'cast(birth_date as ' ~ dbt.type_string() ~ ')',
        'is_valid': "birth_date between date '1900-01-01' and current_date"},
    {'name': 'national_id_last4', 'group': 'national_id', 'value': 'right(national_id, 4)',
        'is_valid': 'coalesce(is_national_id_valid, false)'},
] -%}

with

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

persons as (
    select * from {{ ref('int_conform__persons') }}
),

households as (
    select * from {{ ref('int_identity__households') }}
),

source_trust as (
    select * from {{ ref('ref_source_trust') }}
),

customer_records as (
    select
        crosswalk.customer_id,
        persons.record_key,
        persons.source_system,
        persons.source_table,
        persons.first_name,
        persons.middle_initial,
        persons.last_name,
        persons.name_suffix,
        persons.email,
        persons.is_email_valid,
        persons.phone_e164,
        persons.birth_date,
        persons.national_id,
        persons.is_national_id_valid,
        (
            cast(persons.first_name is not null as integer)
            + cast(persons.middle_initial is not null as integer)
            + cast(persons.last_name is not null as integer)
            + cast(persons.name_suffix is not null as integer)
        ) as name_completeness,
        persons.first_seen_at,
        persons.last_seen_at,
        coalesce(persons.first_seen_at, persons.last_seen_at) as recorded_at
    from persons
    inner join crosswalk
        on persons.record_key = crosswalk.record_key
),

candidates as (
    {%- for attribute in attributes %}
    select
        customer_id,
        record_key,
        source_system,
        source_table,
        '{{ attribute.name }}' as attribute_name,
        '{{ attribute.group }}' as attribute_group,
        cast({{ attribute.value }} as {{ dbt.type_string() }}) as attribute_value,
        {{ 'name_completeness' if attribute.group == 'name' else '1' }} as completeness,
        recorded_at
    from customer_records
    where {{ attribute.value }} is not null and {{ attribute.is_valid }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

ranked_candidates as (
    select
        candidates.*,
        coalesce(source_trust.trust_rank, 1000) as trust_rank
    from candidates
    left join source_trust
        on
            candidates.source_system = source_trust.source_system
            and candidates.source_table = source_trust.source_table
            and candidates.attribute_group = source_trust.attribute_group
),

survivors as (
    select *
    from ranked_candidates
    qualify row_number() over (
        partition by customer_id, attribute_name
        order by trust_rank asc, completeness desc, recorded_at desc nulls last, record_key asc
    ) = 1
),

golden_attributes as (
    -- one survivor per customer and attribute: pivot to one row per customer
    select
        customer_id,
        max(attribute_value) filter (where attribute_name = 'first_name') as first_name,
        max(attribute_value) filter (where attribute_name = 'middle_initial') as middle_initial,
        max(attribute_value) filter (where attribute_name = 'last_name') as last_name,
        max(attribute_value) filter (where attribute_name = 'name_suffix') as name_suffix,
        max(attribute_value) filter (where attribute_name = 'email') as email,
        max(attribute_value) filter (where attribute_name = 'phone') as phone,
        max(attribute_value) filter (where attribute_name = 'birth_date') as birth_date,
        max(attribute_value) filter (where attribute_name = 'national_id_last4') as national_id_last4,
        max(record_key) filter (where attribute_name = 'first_name') as first_name_source_record_key,
        max(source_system) filter (where attribute_name = 'first_name') as first_name_source_system,
        max(record_key) filter (where attribute_name = 'middle_initial') as middle_initial_source_record_key,
        max(source_system) filter (where attribute_name = 'middle_initial') as middle_initial_source_system,
        max(record_key) filter (where attribute_name = 'last_name') as last_name_source_record_key,
        max(source_system) filter (where attribute_name = 'last_name') as last_name_source_system,
        max(record_key) filter (where attribute_name = 'name_suffix') as name_suffix_source_record_key,
        max(source_system) filter (where attribute_name = 'name_suffix') as name_suffix_source_system,
        max(record_key) filter (where attribute_name = 'email') as email_source_record_key,
        max(source_system) filter (where attribute_name = 'email') as email_source_system,
        max(record_key) filter (where attribute_name = 'phone') as phone_source_record_key,
        max(source_system) filter (where attribute_name = 'phone') as phone_source_system,
        max(record_key) filter (where attribute_name = 'birth_date') as birth_date_source_record_key,
        max(source_system) filter (where attribute_name = 'birth_date') as birth_date_source_system,
        max(record_key) filter (where attribute_name = 'national_id_last4') as national_id_last4_source_record_key,
        max(source_system) filter (where attribute_name = 'national_id_last4') as national_id_last4_source_system
    from survivors
    group by customer_id
),

customer_activity as (
    select
        crosswalk.customer_id,
        count(*) as source_record_count,
        count(distinct split_part(crosswalk.record_key, ':', 1)) as source_system_count,
        min(customer_records.first_seen_at) as first_seen_at,
        max(customer_records.last_seen_at) as last_seen_at
    from crosswalk
    left join customer_records
        on crosswalk.record_key = customer_records.record_key
    group by crosswalk.customer_id
),

final as (
    select
        customer_activity.customer_id,
        households.household_id,
        golden_attributes.first_name,
        golden_attributes.middle_initial,
        golden_attributes.last_name,
        golden_attributes.name_suffix,
        golden_attributes.email,
        golden_attributes.phone,
        households.address_line_1,
        households.address_unit,
        households.city,
        households.state_code,
        households.postal_code,
        households.country_code,
        golden_attributes.national_id_last4,
        golden_attributes.first_name_source_record_key,
        golden_attributes.first_name_source_system,
        golden_attributes.middle_initial_source_record_key,
        golden_attributes.middle_initial_source_system,
        golden_attributes.last_name_source_record_key,
        golden_attributes.last_name_source_system,
        golden_attributes.name_suffix_source_record_key,
        golden_attributes.name_suffix_source_system,
        golden_attributes.email_source_record_key,
        golden_attributes.email_source_system,
        golden_attributes.phone_source_record_key,
        golden_attributes.phone_source_system,
        households.address_source_record_key,
        households.address_source_system,
        golden_attributes.birth_date_source_record_key,
        golden_attributes.birth_date_source_system,
        golden_attributes.national_id_last4_source_record_key,
        golden_attributes.national_id_last4_source_system,
        customer_activity.source_record_count,
        customer_activity.source_system_count,
        cast(golden_attributes.birth_date as date) as birth_date,
        customer_activity.first_seen_at,
        customer_activity.last_seen_at
    from customer_activity
    left join golden_attributes
        on customer_activity.customer_id = golden_attributes.customer_id
    left join households
        on customer_activity.customer_id = households.customer_id
)

select * from final
