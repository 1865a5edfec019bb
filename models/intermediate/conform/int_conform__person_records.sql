{#- Every usable person-bearing source record, with its person fields as given, in one shape.
    One CTE per source table maps that table's columns onto the shape; systems switched off are
    skipped. Conforming (case, nicknames, USPS, E.164 ...) happens in int_conform__persons. -#}

with

{% if source_enabled('crm') %}
crm_contacts as (
    select
        record_key,
        'crm' as source_system,
        'contacts' as source_table,
        contact_id as source_record_id,
        'contact' as person_role,
        null as full_name,
        first_name,
        middle_name,
        last_name,
        name_suffix,
        email,
        coalesce(phone, mobile_phone) as phone,
        mailing_street as street,
        null as unit,
        mailing_city as city,
        mailing_state as state,
        mailing_postal_code as postal_code,
        mailing_country as country,
        birth_date,
        national_id,
        record_key as source_customer_key,
        created_at as first_seen_at,
        coalesce(last_modified_at, created_at) as last_seen_at
    from {{ ref('stg_crm__contacts') }}
    where not is_rejected
),

crm_leads as (
    select
        record_key,
        'crm' as source_system,
        'leads' as source_table,
        lead_id as source_record_id,
        'lead' as person_role,
        null as full_name,
        first_name,
        null as middle_name,
        last_name,
        null as name_suffix,
        email,
        phone,
        street,
        null as unit,
        city,
        state,
        postal_code,
        country,
        null as birth_date,
        null as national_id,
        record_key as source_customer_key,
        created_at as first_seen_at,
        coalesce(last_modified_at, created_at) as last_seen_at
    from {{ ref('stg_crm__leads') }}
    where not is_rejected
),
{% endif %}

{% if source_enabled('marketing') %}
marketing_sends as (
    select
        record_key,
        'marketing' as source_system,
        'sends' as source_table,
        send_id as source_record_id,
        'marketing_recipient' as person_role,
        null as full_name,
        first_name,
        null as middle_name,
        last_name,
        null as name_suffix,
        email,
        null as phone,
        address_line_1 as street,
        address_line_2 as unit,
        city,
        state,
        postal_code,
        null as country,
        null as birth_date,
        null as national_id,
        {{ record_key('marketing', 'recipients', 'recipient_id') }} as source_customer_key,
        sent_at as first_seen_at,
        sent_at as last_seen_at
    from {{ ref('stg_marketing__sends') }}
    where not is_rejected
),
{% endif %}

{% if source_enabled('orders') %}
orders_orders as (
    select
        record_key,
        'orders' as source_system,
        'orders' as source_table,
        order_id as source_record_id,
        'buyer' as person_role,
        customer_name as full_name,
        null as first_name,
        null as middle_name,
        null as last_name,
        null as name_suffix,
        email,
        phone,
        shipping_address_line_1 as street,
        shipping_address_line_2 as unit,
        shipping_city as city,
        shipping_state_code as state,
        shipping_postal_code as postal_code,
        shipping_country_code as country,
        null as birth_date,
        null as national_id,
        {{ record_key('billing', 'customers', 'billing_customer_id') }} as source_customer_key,
        created_at as first_seen_at,
        coalesce(updated_at, created_at) as last_seen_at
    from {{ ref('stg_orders__orders') }}
    where not is_rejected
),

orders_projects as (
    select
        record_key,
        'orders' as source_system,
        'projects' as source_table,
        project_id as source_record_id,
        'site_contact' as person_role,
        site_contact_name as full_name,
        null as first_name,
        null as middle_name,
        null as last_name,
        null as name_suffix,
        null as email,
        site_contact_phone as phone,
        site_address_line_1 as street,
        null as unit,
        site_city as city,
        site_state as state,
        site_postal_code as postal_code,
        null as country,
        null as birth_date,
        null as national_id,
        null as source_customer_key,
        coalesce(started_at, updated_at) as first_seen_at,
        coalesce(completed_at, updated_at) as last_seen_at
    from {{ ref('stg_orders__projects') }}
    where not is_rejected
),
{% endif %}

{% if source_enabled('billing') %}
billing_customers as (
    select
        record_key,
        'billing' as source_system,
        'customers' as source_table,
        billing_customer_id as source_record_id,
        'billing_customer' as person_role,
        customer_name as full_name,
        null as first_name,
        null as middle_name,
        null as last_name,
        null as name_suffix,
        email,
        phone,
        address_line_1 as street,
        address_line_2 as unit,
        city,
        state,
        postal_code,
        country_code as country,
        null as birth_date,
        null as national_id,
        record_key as source_customer_key,
        created_at as first_seen_at,
        created_at as last_seen_at
    from {{ ref('stg_billing__customers') }}
    where not is_rejected
),
{% endif %}

{% if source_enabled('support') %}
support_tickets as (
    select
        record_key,
        'support' as source_system,
        'tickets' as source_table,
        ticket_id as source_record_id,
        'ticket_requester' as person_role,
        requester_name as full_name,
        null as first_name,
        null as middle_name,
        null as last_name,
        null as name_suffix,
        requester_email as email,
        requester_phone as phone,
        null as street,
        null as unit,
        null as city,
        null as state,
        null as postal_code,
        null as country,
        null as birth_date,
        null as national_id,
        null as source_customer_key,
        created_at as first_seen_at,
        coalesce(updated_at, created_at) as last_seen_at
    from {{ ref('stg_support__tickets') }}
    where not is_rejected
),
{% endif %}

{% if source_enabled('contact_center') %}
contact_center_interactions as (
    select
        record_key,
        'contact_center' as source_system,
        'interactions' as source_table,
        interaction_id as source_record_id,
        'caller' as person_role,
        caller_name as full_name,
        null as first_name,
        null as middle_name,
        null as last_name,
        null as name_suffix,
        caller_email as email,
        caller_phone as phone,
        null as street,
        null as unit,
        null as city,
        null as state,
        caller_postal_code as postal_code,
        null as country,
        null as birth_date,
        null as national_id,
        null as source_customer_key,
        started_at as first_seen_at,
        started_at as last_seen_at
    from {{ ref('stg_contact_center__interactions') }}
    where not is_rejected
),
{% endif %}

{% if source_enabled('surveys') %}
surveys_responses as (
    select
        record_key,
        'surveys' as source_system,
        'responses' as source_table,
        response_id as source_record_id,
        'survey_respondent' as person_role,
        null as full_name,
        recipient_first_name as first_name,
        null as middle_name,
        recipient_last_name as last_name,
        null as name_suffix,
        recipient_email as email,
        recipient_phone as phone,
        null as street,
        null as unit,
        null as city,
        null as state,
        null as postal_code,
        null as country,
        null as birth_date,
        null as national_id,
        null as source_customer_key,
        coalesce(started_at, recorded_at) as first_seen_at,
        recorded_at as last_seen_at
    from {{ ref('stg_surveys__responses') }}
    where not is_rejected
),
{% endif %}

{% if source_enabled('pos') %}
pos_loyalty_members as (
    select
        record_key,
        'pos' as source_system,
        'loyalty_members' as source_table,
        loyalty_card_number as source_record_id,
        'loyalty_member' as person_role,
        null as full_name,
        first_name,
        null as middle_name,
        last_name,
        null as name_suffix,
        email,
        phone,
        null as street,
        null as unit,
        null as city,
        null as state,
        postal_code,
        null as country,
        null as birth_date,
        null as national_id,
        record_key as source_customer_key,
        enrolled_at as first_seen_at,
        enrolled_at as last_seen_at
    from {{ ref('stg_pos__loyalty_members') }}
    where not is_rejected
),

pos_transactions as (
    -- only sales where the customer typed a name or email; anonymous and card-only sales carry no person fields
    select
        record_key,
        'pos' as source_system,
        'transactions' as source_table,
        transaction_id as source_record_id,
        'store_buyer' as person_role,
        customer_name as full_name,
        null as first_name,
        null as middle_name,
        null as last_name,
        null as name_suffix,
        customer_email as email,
        null as phone,
        null as street,
        null as unit,
        null as city,
        null as state,
        null as postal_code,
        null as country,
        null as birth_date,
        null as national_id,
        {{ record_key('pos', 'loyalty_members', 'loyalty_card_number') }} as source_customer_key,
        transacted_at as first_seen_at,
        transacted_at as last_seen_at
    from {{ ref('stg_pos__transactions') }}
    where not is_rejected and (customer_name is not null or customer_email is not null)
),
{% endif %}

{% if source_enabled('web') %}
web_registrations as (
    select
        record_key,
        'web' as source_system,
        'registrations' as source_table,
        web_user_id as source_record_id,
        'web_user' as person_role,
        null as full_name,
        first_name,
        null as middle_name,
        last_name,
        null as name_suffix,
        email,
        phone,
        null as street,
        null as unit,
        null as city,
        null as state,
        postal_code,
        null as country,
        null as birth_date,
        null as national_id,
        record_key as source_customer_key,
        registered_at as first_seen_at,
        registered_at as last_seen_at
    from {{ ref('stg_web__registrations') }}
    where not is_rejected
),
{% endif %}

{% if source_enabled('policy') %}
policy_holders as (
    select
        record_key,
        'policy' as source_system,
        'policy_holders' as source_table,
        policy_holder_id as source_record_id,
        'policy_holder' as person_role,
        null as full_name,
        first_name,
        middle_name,
        last_name,
        name_suffix,
        email,
        phone,
        address_line_1 as street,
        address_line_2 as unit,
        city,
        state,
        postal_code,
        country,
        birth_date,
        national_id,
        record_key as source_customer_key,
        cast(created_date as timestamp) as first_seen_at,
        loaded_at as last_seen_at
    from {{ ref('stg_policy__policy_holders') }}
    where not is_rejected
),
{% endif %}

{%- set person_tables = [] -%}
{%- for system, ctes in {
    'crm': ['crm_contacts', 'crm_leads'],
    'marketing': ['marketing_sends'],
    'orders': ['orders_orders', 'orders_projects'],
    'billing': ['billing_customers'],
    'support': ['support_tickets'],
    'contact_center': ['contact_center_interactions'],
    'surveys': ['surveys_responses'],
    'pos': ['pos_loyalty_members', 'pos_transactions'],
    'web': ['web_registrations'],
    'policy': ['policy_holders'],
}.items() if source_enabled(system) -%}
{%- do person_tables.extend(ctes) -%}
{%- endfor %}

unioned as (
    {%- for cte in person_tables %}
    select * from {{ cte }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        record_key,
        source_system,
        source_table,
        source_record_id,
        person_role,
        cast(full_name as {{ dbt.type_string() }}) as full_name,
        cast(first_name as {{ dbt.type_string() }}) as first_name,
        cast(middle_name as {{ dbt.type_string() }}) as middle_name,
        cast(last_name as {{ dbt.type_string() }}) as last_name,
        cast(name_suffix as {{ dbt.type_string() }}) as name_suffix,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(phone as {{ dbt.type_string() }}) as phone,
        cast(street as {{ dbt.type_string() }}) as street,
        cast(unit as {{ dbt.type_string() }}) as unit,
        cast(city as {{ dbt.type_string() }}) as city,
        cast(state as {{ dbt.type_string() }}) as state,
        cast(postal_code as {{ dbt.type_string() }}) as postal_code,
        cast(country as {{ dbt.type_string() }}) as country,
        cast(national_id as {{ dbt.type_string() }}) as national_id,
        cast(source_customer_key as {{ dbt.type_string() }}) as source_customer_key,
        cast(birth_date as date) as birth_date,
        first_seen_at,
        last_seen_at
    from unioned
)

select * from final
