{#- Every outbound communication to a person, one row per source record: marketing sends (email and
    direct mail, with their campaign's intent), policy letters (cancellation and non-renewal notices,
    issued, renewed and reinstated policies), invoices and completed CRM follow-ups. The conformed
    intent comes from the seed ref_communication_intents (a campaign intent is more specific than a
    catch-all row). The customer is the one of the communication's person record
    (int_identity__crosswalk), the household the customer's (int_identity__households). A
    communication that resolves to no customer is kept with unresolved_reason. -#}

with

events as (
    select * from {{ ref('int_conform__events') }}
),

intents as (
    select * from {{ ref('ref_communication_intents') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

households as (
    select * from {{ ref('int_identity__households') }}
),

classified as (
    select
        events.record_key as communication_key,
        events.person_record_key,
        events.related_record_key,
        events.source_system,
        events.source_table,
        events.source_event_type,
        events.channel,
        events.event_detail,
        intents.communication_intent,
        intents.intent_group,
        events.event_date,
        events.occurred_at
    from events
    inner join intents
        on
            events.source_system = intents.source_system
            and events.source_table = intents.source_table
            and events.source_event_type = coalesce(intents.source_event_type, events.source_event_type)
            and coalesce(events.event_detail, '') = coalesce(intents.campaign_intent, events.event_detail, '')
    -- the most specific mapping wins: a row naming the campaign intent before a catch-all row
    qualify row_number() over (
        partition by events.event_key
        order by
            intents.campaign_intent is null,
            intents.source_event_type is null,
            intents.communication_intent
    ) = 1
),

resolved as (
    select
        classified.communication_key,
        crosswalk.customer_id,
        households.household_id,
        classified.person_record_key,
        -- the offer a marketing send carries: its campaign
        case when classified.source_system = 'marketing' then classified.related_record_key end as offer_key,
        classified.related_record_key,
        classified.source_system,
        classified.source_table,
        case
            when classified.source_system = 'marketing' then classified.channel
            when classified.source_system = 'policy' then 'letter'
            when classified.source_system = 'billing' then 'invoice'
            else coalesce(classified.channel, 'unknown')
        end as channel,
        classified.communication_intent,
        classified.intent_group,
        case
            when classified.person_record_key is null then 'no person record'
            when crosswalk.customer_id is null then 'person record not resolved to a customer'
        end as unresolved_reason,
        crosswalk.customer_id is not null as is_resolved,
        crosswalk.customer_id is not null
        and classified.source_system = 'marketing'
        and row_number() over (
            partition by crosswalk.customer_id, classified.source_system, classified.related_record_key
            order by classified.occurred_at, classified.communication_key
        ) > 1 as is_duplicate_mailing,
        classified.event_date as communication_date,
        classified.occurred_at as communicated_at
    from classified
    left join crosswalk
        on classified.person_record_key = crosswalk.record_key
    left join households
        on crosswalk.customer_id = households.customer_id
),

final as (
    select * from resolved
)

select * from final
