{#- One row per customer with what an account manager needs before a call: who they are (golden
    record and household), where they stand (status, stage, value), who owns them in the CRM, when we
    last spoke on each channel, what is open (tickets, complaints, follow-ups) and how they rated us
    recently. Status and value are as of the as-of date (var lifecycle_as_of_date, default today);
    "recent" is the last lifecycle_recent_days days before it. Open tickets and follow-ups are as the
    source systems hold them now. Survey scores are consented responses only.
    Picks that take one row's values (last contact, next follow-up, last score per metric) break a tie
    on the time by the row's key — the greatest event_key / response_key among the latest, the smallest
    follow_up_key among the earliest due — so a build does not depend on row order (DECISIONS §45).
    Contact channels group the channel of every customer-contact event: email; phone (calls, phone
    tickets, call tasks); sms; chat; mail (letters and direct mail); in_person (deliveries,
    installations, meetings, store); web (forms, quote requests, web tickets, survey links). -#}

{%- set recent_days = var('lifecycle_recent_days') | int -%}
{%- set contact_channels = ['email', 'phone', 'sms', 'chat', 'mail', 'in_person', 'web'] %}

with

customers as (
    select * from {{ ref('dim_customers') }}
),

golden_records as (
    select * from {{ ref('int_identity__golden_records') }}
),

customer_value as (
    select * from {{ ref('fct_customer_value') }}
),

events as (
    select * from {{ ref('fct_customer_events') }}
    where is_customer_contact and event_date <= {{ as_of_date() }}
),

activity_feed as (
    select * from {{ ref('fct_customer_activity_feed') }}
),

owners as (
    select * from {{ ref('int_customer__crm_owners') }}
),

survey_responses as (
    select * from {{ ref('int_customer__named_survey_responses') }}
    where score is not null and recorded_date <= {{ as_of_date() }}
),

contacts as (
    select
        customer_id,
        event_key,
        direction,
        event_type,
        occurred_at,
        case
            when channel = 'email' then 'email'
            when channel in ('phone', 'call') then 'phone'
            when channel = 'sms' then 'sms'
            when channel = 'chat' then 'chat'
            when channel in ('mail', 'direct_mail') then 'mail'
            when channel in ('on_site', 'meeting', 'store') then 'in_person'
            when channel in ('web', 'anonymous_link') then 'web'
            else 'other'
        end as contact_channel
    from events
),

last_contacts as (
    select
        customer_id,
        {%- for channel in contact_channels %}
        max(occurred_at) filter (where contact_channel = '{{ channel }}') as last_{{ channel }}_contact_at,
        {%- endfor %}
        max(occurred_at) filter (where direction = 'inbound') as last_inbound_contact_at,
        max_by(contact_channel, {{ tie_broken_key('occurred_at', 'event_key') }}) as last_contact_channel,
        max_by(event_type, {{ tie_broken_key('occurred_at', 'event_key') }}) as last_contact_event_type,
        max(occurred_at) as last_contact_at
    from contacts
    group by customer_id
),

service as (
    select
        customer_id,
        count(*) filter (where is_open and activity_type in ('support_ticket', 'complaint')) as open_ticket_count,
        count(*) filter (where is_open and is_complaint) as open_complaint_count,
        count(*) filter (
            where is_complaint and cast(opened_at as date) > {{ as_of_date() }} - {{ recent_days }}
        ) as recent_complaint_count,
        min(opened_at) filter (where is_open and activity_type in ('support_ticket', 'complaint'))
            as oldest_open_ticket_opened_at,
        count(*) filter (where is_open and activity_type = 'follow_up') as open_follow_up_count
    from activity_feed
    group by customer_id
),

latest_service as (
    select
        customer_id,
        activity_type as latest_service_activity_type,
        topic as latest_service_topic,
        resolution_status as latest_service_resolution_status,
        opened_at as latest_service_opened_at
    from activity_feed
    where activity_type != 'follow_up'
    qualify row_number() over (partition by customer_id order by opened_at desc, activity_key asc) = 1
),

follow_ups as (
    select * from {{ ref('int_customer__crm_follow_ups') }}
    where is_open
),

next_follow_ups as (
    select
        customer_id,
        count(*) filter (where due_date < {{ as_of_date() }}) as overdue_follow_up_count,
        min_by(subject, {{ tie_broken_key("coalesce(due_date, date '9999-12-31')", 'follow_up_key') }})
            as next_follow_up_subject,
        min_by(owner_name, {{ tie_broken_key("coalesce(due_date, date '9999-12-31')", 'follow_up_key') }})
            as next_follow_up_owner_name,
        min(due_date) as next_follow_up_due_date
    from follow_ups
    group by customer_id
),

surveys as (
    select
        customer_id,
        {%- for metric in ['nps', 'csat', 'ces'] %}
        max_by(score, {{ tie_broken_key('recorded_at', 'response_key') }}) filter (where metric = '{{ metric }}')
            as last_{{ metric }}_score,
        {%- endfor %}
        avg(score) filter (
            where metric = 'nps' and recorded_date > {{ as_of_date() }} - {{ recent_days }}
        ) as recent_average_nps_score,
        avg(score) filter (
            where metric = 'csat' and recorded_date > {{ as_of_date() }} - {{ recent_days }}
        ) as recent_average_csat_score,
        max(recorded_at) as last_survey_response_at
    from survey_responses
    group by customer_id
),

final as (
    select
        customers.customer_id,
        customers.household_id,
        {{ display_name(
            'golden_records.first_name',
            'golden_records.middle_initial',
            'golden_records.last_name',
            'golden_records.name_suffix'
        ) }} as full_name,
        golden_records.email,
        golden_records.phone,
        customers.city,
        customers.state_code,
        customers.postal_code,
        customers.country_code,
        customers.customer_status,
        customers.churn_type,
        customers.churn_reason,
        customers.lifecycle_stage,
        customer_value.rfm_segment,
        customer_value.rfm_score,
        owners.owner_user_id,
        owners.owner_name,
        owners.owner_email,
        owners.owner_source,
        last_contacts.last_contact_channel,
        last_contacts.last_contact_event_type,
        latest_service.latest_service_activity_type,
        latest_service.latest_service_topic,
        latest_service.latest_service_resolution_status,
        next_follow_ups.next_follow_up_subject,
        next_follow_ups.next_follow_up_owner_name,
        customers.household_customer_count,
        customer_value.purchase_count,
        customer_value.order_count,
        customer_value.lifetime_revenue_usd,
        customer_value.net_revenue_usd,
        customer_value.average_purchase_usd,
        customer_value.contracts_in_force_count,
        customer_value.annual_premium_in_force_usd,
        customer_value.days_since_last_purchase,
        customer_value.clv_usd,
        customer_value.probability_alive,
        cast(coalesce(service.open_ticket_count, 0) as integer) as open_ticket_count,
        cast(coalesce(service.open_complaint_count, 0) as integer) as open_complaint_count,
        cast(coalesce(service.recent_complaint_count, 0) as integer) as recent_complaint_count,
        cast(coalesce(service.open_follow_up_count, 0) as integer) as open_follow_up_count,
        cast(coalesce(next_follow_ups.overdue_follow_up_count, 0) as integer) as overdue_follow_up_count,
        cast(surveys.last_nps_score as integer) as last_nps_score,
        cast(surveys.last_csat_score as integer) as last_csat_score,
        cast(surveys.last_ces_score as integer) as last_ces_score,
        cast(surveys.recent_average_nps_score as double) as recent_average_nps_score,
        cast(surveys.recent_average_csat_score as double) as recent_average_csat_score,
        coalesce(owners.is_owner_active, false) as is_owner_active,
        customers.is_customer,
        next_follow_ups.next_follow_up_due_date,
        customers.status_as_of_date,
        customers.status_since_date,
        customers.customer_since_date,
        customer_value.last_purchase_date,
        {%- for channel in contact_channels %}
        last_contacts.last_{{ channel }}_contact_at,
        {%- endfor %}
        last_contacts.last_inbound_contact_at,
        last_contacts.last_contact_at,
        service.oldest_open_ticket_opened_at,
        latest_service.latest_service_opened_at,
        surveys.last_survey_response_at
    from customers
    left join golden_records
        on customers.customer_id = golden_records.customer_id
    left join customer_value
        on customers.customer_id = customer_value.customer_id
    left join owners
        on customers.customer_id = owners.customer_id
    left join last_contacts
        on customers.customer_id = last_contacts.customer_id
    left join service
        on customers.customer_id = service.customer_id
    left join latest_service
        on customers.customer_id = latest_service.customer_id
    left join next_follow_ups
        on customers.customer_id = next_follow_ups.customer_id
    left join surveys
        on customers.customer_id = surveys.customer_id
)

select * from final
