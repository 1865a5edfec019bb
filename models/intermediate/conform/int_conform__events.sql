{#- Every dated thing that happened to or with a person, from every enabled system, as one event
    stream: the source event, the person-bearing record it belongs to, and its conformed event type
    from the ref_event_types taxonomy. Events the taxonomy keeps off the timeline (page views) are
    left out here; an unmapped source event fails the not_null test on event_type. -#}

with

event_types as (
    select * from {{ ref('ref_event_types') }}
),

person_records as (
    select record_key from {{ ref('int_conform__person_records') }}
),

{% if source_enabled('crm') %}
crm_leads as (
    select * from {{ ref('stg_crm__leads') }}
    where not is_rejected
),

crm_contacts as (
    select * from {{ ref('stg_crm__contacts') }}
    where not is_rejected
),

crm_opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
    where not is_rejected
),

crm_tasks as (
    select * from {{ ref('stg_crm__tasks') }}
    where not is_rejected
),

crm_events as (
    select
        record_key,
        record_key as person_record_key,
        'crm' as source_system,
        'leads' as source_table,
        'created' as source_event_type,
        lead_source as channel,
        lead_status as event_detail,
        cast(null as {{ dbt.type_string() }}) as related_record_key,
        cast(null as decimal(18, 2)) as amount_usd,
        created_at as occurred_at
    from crm_leads
    union all
    select
        record_key,
        record_key as person_record_key,
        'crm' as source_system,
        'leads' as source_table,
        lead_status as source_event_type,
        lead_source as channel,
        lead_status as event_detail,
        null as related_record_key,
        null as amount_usd,
        last_modified_at as occurred_at
    from crm_leads
    where lead_status in ('marketing_qualified', 'sales_qualified') and last_modified_at is not null
    union all
    select
        record_key,
        record_key as person_record_key,
        'crm' as source_system,
        'leads' as source_table,
        'converted' as source_event_type,
        lead_source as channel,
        null as event_detail,
        {{ record_key('crm', 'contacts', 'converted_contact_id') }} as related_record_key,
        null as amount_usd,
        cast(converted_date as timestamp) as occurred_at
    from crm_leads
    where is_converted and converted_date is not null
    union all
    select
        record_key,
        record_key as person_record_key,
        'crm' as source_system,
        'contacts' as source_table,
        'created' as source_event_type,
        lead_source as channel,
        null as event_detail,
        null as related_record_key,
        null as amount_usd,
        created_at as occurred_at
    from crm_contacts
    union all
    select
        record_key,
        {{ record_key('crm', 'contacts', 'contact_id') }} as person_record_key,
        'crm' as source_system,
        'opportunities' as source_table,
        'created' as source_event_type,
        lead_source as channel,
        opportunity_stage as event_detail,
        null as related_record_key,
        amount_usd,
        created_at as occurred_at
    from crm_opportunities
    union all
    select
        record_key,
        {{ record_key('crm', 'contacts', 'contact_id') }} as person_record_key,
        'crm' as source_system,
        'opportunities' as source_table,
        opportunity_stage as source_event_type,
        lead_source as channel,
        opportunity_type as event_detail,
        null as related_record_key,
        amount_usd,
        cast(close_date as timestamp) as occurred_at
    from crm_opportunities
    where opportunity_stage in ('closed_won', 'closed_lost') and close_date is not null
    union all
    select
        record_key,
        case related_person_type
            when 'contact' then {{ record_key('crm', 'contacts', 'related_person_id') }}
            when 'lead' then {{ record_key('crm', 'leads', 'related_person_id') }}
        end as person_record_key,
        'crm' as source_system,
        'tasks' as source_table,
        'created' as source_event_type,
        task_type as channel,
        subject as event_detail,
        null as related_record_key,
        null as amount_usd,
        created_at as occurred_at
    from crm_tasks
    union all
    select
        record_key,
        case related_person_type
            when 'contact' then {{ record_key('crm', 'contacts', 'related_person_id') }}
            when 'lead' then {{ record_key('crm', 'leads', 'related_person_id') }}
        end as person_record_key,
        'crm' as source_system,
        'tasks' as source_table,
        'completed' as source_event_type,
        task_type as channel,
        subject as event_detail,
        null as related_record_key,
        null as amount_usd,
        completed_at as occurred_at
    from crm_tasks
    where completed_at is not null
),
{% endif %}

{% if source_enabled('marketing') %}
marketing_campaigns as (
    select * from {{ ref('stg_marketing__campaigns') }}
    where not is_rejected
),

marketing_sends as (
    select * from {{ ref('stg_marketing__sends') }}
    where not is_rejected
),

marketing_email_events as (
    select * from {{ ref('stg_marketing__email_events') }}
    where not is_rejected
),

marketing_events as (
    select
        marketing_sends.record_key,
        marketing_sends.record_key as person_record_key,
        'marketing' as source_system,
        'sends' as source_table,
        marketing_sends.channel as source_event_type,
        marketing_sends.channel,
        marketing_campaigns.intent as event_detail,
        {{ record_key('marketing', 'campaigns', 'marketing_sends.campaign_id') }} as related_record_key,
        cast(null as decimal(18, 2)) as amount_usd,
        marketing_sends.sent_at as occurred_at
    from marketing_sends
    left join marketing_campaigns
        on marketing_sends.campaign_id = marketing_campaigns.campaign_id
    union all
    select
        marketing_email_events.record_key,
        {{ record_key('marketing', 'sends', 'marketing_email_events.send_id') }} as person_record_key,
        'marketing' as source_system,
        'email_events' as source_table,
        marketing_email_events.event_type as source_event_type,
        'email' as channel,
        marketing_email_events.clicked_url as event_detail,
        {{ record_key('marketing', 'sends', 'marketing_email_events.send_id') }} as related_record_key,
        null as amount_usd,
        marketing_email_events.occurred_at
    from marketing_email_events
),
{% endif %}

{% if source_enabled('orders') %}
orders_orders as (
    select * from {{ ref('stg_orders__orders') }}
    where not is_rejected
),

orders_projects as (
    select * from {{ ref('stg_orders__projects') }}
    where not is_rejected
),

orders_events as (
    select
        record_key,
        record_key as person_record_key,
        'orders' as source_system,
        'orders' as source_table,
        'placed' as source_event_type,
        order_channel as channel,
        financial_status as event_detail,
        record_key as related_record_key,
        total_usd as amount_usd,
        created_at as occurred_at
    from orders_orders
    union all
    select
        record_key,
        record_key as person_record_key,
        'orders' as source_system,
        'orders' as source_table,
        'cancelled' as source_event_type,
        order_channel as channel,
        cancel_reason as event_detail,
        record_key as related_record_key,
        null as amount_usd,
        cancelled_at as occurred_at
    from orders_orders
    where cancelled_at is not null
    union all
    select
        record_key,
        record_key as person_record_key,
        'orders' as source_system,
        'projects' as source_table,
        project_type
        || case when project_status = 'cancelled' then '_cancelled' else '_completed' end as source_event_type,
        'on_site' as channel,
        project_status as event_detail,
        record_key as related_record_key,
        null as amount_usd,
        coalesce(completed_at, updated_at) as occurred_at
    from orders_projects
    where (project_status = 'completed' and completed_at is not null) or project_status = 'cancelled'
),
{% endif %}

{% if source_enabled('billing') %}
billing_customers as (
    select * from {{ ref('stg_billing__customers') }}
    where not is_rejected
),

billing_invoices as (
    select * from {{ ref('stg_billing__invoices') }}
    where not is_rejected
),

billing_payments as (
    select * from {{ ref('stg_billing__payments') }}
    where not is_rejected
),

billing_refunds as (
    select * from {{ ref('stg_billing__refunds') }}
    where not is_rejected
),

billing_events as (
    select
        record_key,
        record_key as person_record_key,
        'billing' as source_system,
        'customers' as source_table,
        'created' as source_event_type,
        cast(null as {{ dbt.type_string() }}) as channel,
        cast(null as {{ dbt.type_string() }}) as event_detail,
        cast(null as {{ dbt.type_string() }}) as related_record_key,
        cast(null as decimal(18, 2)) as amount_usd,
        created_at as occurred_at
    from billing_customers
    union all
    select
        record_key,
        {{ record_key('billing', 'customers', 'billing_customer_id') }} as person_record_key,
        'billing' as source_system,
        'invoices' as source_table,
        'issued' as source_event_type,
        null as channel,
        invoice_status as event_detail,
        {{ record_key('orders', 'orders', 'order_id') }} as related_record_key,
        amount_due_usd as amount_usd,
        created_at as occurred_at
    from billing_invoices
    where invoice_status != 'draft'
    union all
    select
        record_key,
        {{ record_key('billing', 'customers', 'billing_customer_id') }} as person_record_key,
        'billing' as source_system,
        'payments' as source_table,
        payment_status as source_event_type,
        payment_method_type as channel,
        failure_code as event_detail,
        {{ record_key('billing', 'invoices', 'invoice_id') }} as related_record_key,
        amount_usd,
        created_at as occurred_at
    from billing_payments
    union all
    select
        billing_refunds.record_key,
        {{ record_key('billing', 'customers', 'billing_payments.billing_customer_id') }} as person_record_key,
        'billing' as source_system,
        'refunds' as source_table,
        billing_refunds.refund_status as source_event_type,
        null as channel,
        billing_refunds.refund_reason as event_detail,
        {{ record_key('billing', 'payments', 'billing_refunds.payment_id') }} as related_record_key,
        -billing_refunds.amount_usd as amount_usd,
        billing_refunds.created_at as occurred_at
    from billing_refunds
    left join billing_payments
        on billing_refunds.payment_id = billing_payments.payment_id
),
{% endif %}

{% if source_enabled('support') %}
support_tickets as (
    select * from {{ ref('stg_support__tickets') }}
    where not is_rejected
),

support_events as (
    select
        record_key,
        record_key as person_record_key,
        'support' as source_system,
        'tickets' as source_table,
        coalesce(ticket_type, 'untyped') || '_opened' as source_event_type,
        channel,
        support_group as event_detail,
        {{ record_key('orders', 'orders', 'order_id') }} as related_record_key,
        cast(null as decimal(18, 2)) as amount_usd,
        created_at as occurred_at
    from support_tickets
    union all
    select
        record_key,
        record_key as person_record_key,
        'support' as source_system,
        'tickets' as source_table,
        'solved' as source_event_type,
        channel,
        support_group as event_detail,
        {{ record_key('orders', 'orders', 'order_id') }} as related_record_key,
        null as amount_usd,
        solved_at as occurred_at
    from support_tickets
    where solved_at is not null
),
{% endif %}

{% if source_enabled('contact_center') %}
contact_center_events as (
    select
        record_key,
        record_key as person_record_key,
        'contact_center' as source_system,
        'interactions' as source_table,
        channel as source_event_type,
        channel,
        contact_reason as event_detail,
        {{ record_key('support', 'tickets', 'ticket_id') }} as related_record_key,
        cast(null as decimal(18, 2)) as amount_usd,
        started_at as occurred_at
    from {{ ref('stg_contact_center__interactions') }}
    where not is_rejected
),
{% endif %}

{% if source_enabled('surveys') %}
surveys_surveys as (
    select * from {{ ref('stg_surveys__surveys') }}
    where not is_rejected
),

surveys_responses as (
    select * from {{ ref('stg_surveys__responses') }}
    where not is_rejected
),

surveys_events as (
    select
        surveys_responses.record_key,
        surveys_responses.record_key as person_record_key,
        'surveys' as source_system,
        'responses' as source_table,
        'recorded' as source_event_type,
        surveys_responses.distribution_channel as channel,
        surveys_surveys.touchpoint as event_detail,
        coalesce(
            {{ record_key('orders', 'projects', 'surveys_responses.triggering_project_id') }},
            {{ record_key('support', 'tickets', 'surveys_responses.triggering_ticket_id') }},
            {{ record_key('orders', 'orders', 'surveys_responses.triggering_order_id') }}
        ) as related_record_key,
        cast(null as decimal(18, 2)) as amount_usd,
        surveys_responses.recorded_at as occurred_at
    from surveys_responses
    left join surveys_surveys
        on surveys_responses.survey_id = surveys_surveys.survey_id
),
{% endif %}

{% if source_enabled('pos') %}
pos_events as (
    select
        record_key,
        record_key as person_record_key,
        'pos' as source_system,
        'loyalty_members' as source_table,
        'enrolled' as source_event_type,
        'store' as channel,
        home_store_id as event_detail,
        cast(null as {{ dbt.type_string() }}) as related_record_key,
        cast(null as decimal(18, 2)) as amount_usd,
        enrolled_at as occurred_at
    from {{ ref('stg_pos__loyalty_members') }}
    where not is_rejected
    union all
    select
        record_key,
        case
            when customer_name is not null or customer_email is not null then record_key
            when loyalty_card_number is not null
                then {{ record_key('pos', 'loyalty_members', 'loyalty_card_number') }}
        end as person_record_key,
        'pos' as source_system,
        'transactions' as source_table,
        'sale' as source_event_type,
        'store' as channel,
        store_id as event_detail,
        null as related_record_key,
        total_amount_usd as amount_usd,
        transacted_at as occurred_at
    from {{ ref('stg_pos__transactions') }}
    where not is_rejected
),
{% endif %}

{% if source_enabled('web') %}
web_events as (
    select
        record_key,
        record_key as person_record_key,
        'web' as source_system,
        'registrations' as source_table,
        'registered' as source_event_type,
        'web' as channel,
        cast(null as {{ dbt.type_string() }}) as event_detail,
        cast(null as {{ dbt.type_string() }}) as related_record_key,
        cast(null as decimal(18, 2)) as amount_usd,
        registered_at as occurred_at
    from {{ ref('stg_web__registrations') }}
    where not is_rejected
    union all
    select
        record_key,
        {{ record_key('web', 'registrations', 'web_user_id') }} as person_record_key,
        'web' as source_system,
        'sessions' as source_table,
        'started' as source_event_type,
        device_type as channel,
        utm_campaign as event_detail,
        null as related_record_key,
        null as amount_usd,
        started_at as occurred_at
    from {{ ref('stg_web__sessions') }}
    where not is_rejected
    union all
    select
        record_key,
        {{ record_key('web', 'registrations', 'web_user_id') }} as person_record_key,
        'web' as source_system,
        'page_events' as source_table,
        event_type as source_event_type,
        'web' as channel,
        page_path as event_detail,
        {{ record_key('web', 'sessions', 'session_id') }} as related_record_key,
        null as amount_usd,
        occurred_at
    from {{ ref('stg_web__page_events') }}
    where not is_rejected
),
{% endif %}

{% if source_enabled('policy') %}
policy_policies as (
    select * from {{ ref('stg_policy__policies') }}
    where not is_rejected
),

policy_events as (
    select
        policy_events.record_key,
        {{ record_key('policy', 'policy_holders', 'policy_policies.policy_holder_id') }} as person_record_key,
        'policy' as source_system,
        'policy_events' as source_table,
        policy_events.event_type as source_event_type,
        'mail' as channel,
        policy_events.event_reason as event_detail,
        {{ record_key('policy', 'policies', 'policy_events.policy_id') }} as related_record_key,
        cast(null as decimal(18, 2)) as amount_usd,
        cast(coalesce(policy_events.notice_sent_date, policy_events.event_date) as timestamp) as occurred_at
    from {{ ref('stg_policy__policy_events') }} as policy_events
    left join policy_policies
        on policy_events.policy_id = policy_policies.policy_id
    where not policy_events.is_rejected
),
{% endif %}

{%- set event_ctes = [] -%}
{%- for system, cte in [
    ('crm', 'crm_events'), ('marketing', 'marketing_events'), ('orders', 'orders_events'),
    ('billing', 'billing_events'), ('support', 'support_events'), ('contact_center', 'contact_center_events'),
    ('surveys', 'surveys_events'), ('pos', 'pos_events'), ('web', 'web_events'), ('policy', 'policy_events'),
] if source_enabled(system) -%}
{%- do event_ctes.append(cte) -%}
{%- endfor %}

unioned as (
    {%- for cte in event_ctes %}
    select * from {{ cte }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

typed as (
    select
        unioned.*,
        event_types.event_type,
        event_types.event_category,
        event_types.direction,
        event_types.is_customer_contact,
        -- what counts as a purchase is a business definition (macro purchase_event_types)
        coalesce(
            event_types.event_type in ({{ "'" ~ purchase_event_types() | join("', '") ~ "'" }}),
            false
        ) as is_purchase,
        coalesce(event_types.is_timeline_event, true) as is_timeline_event
    from unioned
    left join event_types
        on
            unioned.source_system = event_types.source_system
            and unioned.source_table = event_types.source_table
            and unioned.source_event_type = event_types.source_event_type
),

final as (
    select
        {{ dbt.concat(["typed.record_key", "':'", "typed.source_event_type"]) }} as event_key,
        typed.record_key,
        typed.person_record_key,
        typed.related_record_key,
        typed.event_type,
        typed.event_category,
        typed.direction,
        typed.source_system,
        typed.source_table,
        typed.source_event_type,
        typed.channel,
        typed.event_detail,
        typed.amount_usd,
        typed.is_customer_contact,
        typed.is_purchase,
        person_records.record_key is not null as has_known_person_record,
        cast(typed.occurred_at as date) as event_date,
        typed.occurred_at
    from typed
    left join person_records
        on typed.person_record_key = person_records.record_key
    where typed.is_timeline_event and typed.occurred_at is not null
)

select * from final
