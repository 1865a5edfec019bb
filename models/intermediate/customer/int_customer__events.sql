{{ config(materialized='view') }}

{#- Every conformed event that belongs to a customer. An event belongs to the customer of its person
    record (int_identity__crosswalk); events without a person record of their own (web sessions,
    store sales paid with a loyalty card only) belong to the customer their own record was linked to
    by identity resolution. Events of anonymous or unresolved records are left out, and so are the survey
    responses of respondents who did not consent to be named (int_customer__survey_responses). A view: the
    full-refresh truth that the incremental fct_customer_events is checked against. -#}

with

events as (
    select * from {{ ref('int_conform__events') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

-- responses whose respondent did not agree to be named never reach a person-level timeline
unconsented_responses as (
    select * from {{ ref('int_customer__survey_responses') }}
    where not has_consent_to_be_named
),

resolved as (
    select
        events.*,
        coalesce(person_crosswalk.customer_id, record_crosswalk.customer_id) as customer_id,
        case
            when person_crosswalk.customer_id is not null then 'person_record'
            when record_crosswalk.customer_id is not null then 'event_record'
        end as resolved_through
    from events
    left join crosswalk as person_crosswalk
        on events.person_record_key = person_crosswalk.record_key
    left join crosswalk as record_crosswalk
        on events.record_key = record_crosswalk.record_key
),

consented as (
    select resolved.*
    from resolved
    left join unconsented_responses
        on resolved.record_key = unconsented_responses.response_key
    where unconsented_responses.response_key is null
),

final as (
    select
        event_key,
        customer_id,
        record_key,
        person_record_key,
        related_record_key,
        event_type,
        event_category,
        direction,
        source_system,
        source_table,
        source_event_type,
        channel,
        event_detail,
        resolved_through,
        amount_usd,
        is_customer_contact,
        is_purchase,
        event_date,
        occurred_at
    from consented
    where customer_id is not null
)

select * from final
