{#- Every support ticket and every contact-center call or chat of a customer, one row each, with how
    it was resolved:
    - tickets: resolved when solved or closed (new, open, pending and on-hold tickets are open), with
      the time it took and the latest agent comment (what was done);
    - calls and chats: resolved on the contact; when the agent opened a ticket, the ticket decides;
      a scheduled callback is open; a transfer or an abandoned contact is unresolved.
    A complaint is a ticket of type complaint, or a call or chat about a complaint that opened no
    ticket (one that did is counted through its ticket). The satisfaction score is the consented
    survey response the ticket triggered. Systems switched off contribute nothing. -#}

{%- set has_support = source_enabled('support') -%}
{%- set has_contact_center = source_enabled('contact_center') -%}

with

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

survey_responses as (
    select * from {{ ref('int_customer__named_survey_responses') }}
),

ticket_scores as (
    select
        triggering_ticket_key as ticket_key,
        metric as satisfaction_metric,
        score as satisfaction_score
    from survey_responses
    where triggering_ticket_key is not null and score is not null
    qualify row_number() over (partition by triggering_ticket_key order by recorded_at desc, response_key asc) = 1
),

{% if has_support %}
tickets as (
    select * from {{ ref('stg_support__tickets') }}
    where not is_rejected
),

latest_agent_comments as (
    select
        ticket_id,
        body
    from {{ ref('stg_support__ticket_comments') }}
    where not is_rejected and author_role = 'agent'
    qualify row_number() over (partition by ticket_id order by created_at desc, ticket_comment_id desc) = 1
),

ticket_rows as (
    select
        tickets.record_key as interaction_key,
        crosswalk.customer_id,
        cast(null as {{ dbt.type_string() }}) as linked_ticket_key,
        case when tickets.ticket_type = 'complaint' then 'complaint' else 'support_ticket' end
            as interaction_type,
        'support' as source_system,
        tickets.channel,
        tickets.subject as topic,
        coalesce(tickets.ticket_type, 'untyped') as reason,
        tickets.priority,
        tickets.support_group as handled_by,
        tickets.ticket_status as outcome,
        case when tickets.ticket_status in ('solved', 'closed') then 'resolved' else 'open' end
            as resolution_status,
        latest_agent_comments.body as resolution_note,
        ticket_scores.satisfaction_metric,
        ticket_scores.satisfaction_score,
        cast(null as integer) as duration_seconds,
        tickets.ticket_type = 'complaint' as is_complaint,
        tickets.created_at as opened_at,
        case when tickets.ticket_status in ('solved', 'closed') then coalesce(tickets.solved_at, tickets.updated_at) end
            as resolved_at
    from tickets
    inner join crosswalk
        on tickets.record_key = crosswalk.record_key
    left join latest_agent_comments
        on tickets.ticket_id = latest_agent_comments.ticket_id
    left join ticket_scores
        on tickets.record_key = ticket_scores.ticket_key
),
{% endif %}

{% if has_contact_center %}
contact_center_rows as (
    select
        interactions.record_key as interaction_key,
        crosswalk.customer_id,
        {{ record_key('support', 'tickets', 'interactions.ticket_id') }} as linked_ticket_key,
        interactions.channel as interaction_type,
        'contact_center' as source_system,
        interactions.channel,
        interactions.contact_reason as topic,
        interactions.contact_reason as reason,
        cast(null as {{ dbt.type_string() }}) as priority,
        interactions.queue as handled_by,
        interactions.outcome,
        case interactions.outcome
            when 'resolved' then 'resolved'
            when 'callback_scheduled' then 'open'
            when 'ticket_created' then 'open'
            else 'unresolved'
        end as resolution_status,
        case interactions.outcome
            when 'resolved' then 'Resolved on the ' || interactions.channel || '.'
            when 'callback_scheduled' then 'Callback scheduled.'
            when 'ticket_created' then 'Ticket opened.'
            when 'transferred' then 'Transferred to another team.'
            when 'abandoned' then 'The customer hung up or left before an agent answered.'
        end as resolution_note,
        cast(null as {{ dbt.type_string() }}) as satisfaction_metric,
        cast(null as integer) as satisfaction_score,
        interactions.duration_seconds,
        interactions.contact_reason = 'complaint' and interactions.ticket_id is null as is_complaint,
        interactions.started_at as opened_at,
        case
            when interactions.outcome = 'resolved'
                then interactions.started_at + {{ seconds_interval('coalesce(interactions.duration_seconds, 0)') }}
        end as resolved_at
    from {{ ref('stg_contact_center__interactions') }} as interactions
    inner join crosswalk
        on interactions.record_key = crosswalk.record_key
    where not interactions.is_rejected
),
{% endif %}

unioned as (
    select
        cast(null as {{ dbt.type_string() }}) as interaction_key,
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as linked_ticket_key,
        cast(null as {{ dbt.type_string() }}) as interaction_type,
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as channel,
        cast(null as {{ dbt.type_string() }}) as topic,
        cast(null as {{ dbt.type_string() }}) as reason,
        cast(null as {{ dbt.type_string() }}) as priority,
        cast(null as {{ dbt.type_string() }}) as handled_by,
        cast(null as {{ dbt.type_string() }}) as outcome,
        cast(null as {{ dbt.type_string() }}) as resolution_status,
        cast(null as {{ dbt.type_string() }}) as resolution_note,
        cast(null as {{ dbt.type_string() }}) as satisfaction_metric,
        cast(null as integer) as satisfaction_score,
        cast(null as integer) as duration_seconds,
        cast(null as boolean) as is_complaint,
        cast(null as timestamp) as opened_at,
        cast(null as timestamp) as resolved_at
    where false
    {%- if has_support %}
    union all
    select * from ticket_rows
    {%- endif %}
    {%- if has_contact_center %}
    union all
    select * from contact_center_rows
    {%- endif %}
),

-- a call or chat that opened a ticket is resolved when (and as) its ticket is
with_linked_tickets as (
    select
        unioned.*,
        linked.resolution_status as linked_resolution_status,
        linked.resolved_at as linked_resolved_at
    from unioned
    left join unioned as linked
        on unioned.linked_ticket_key = linked.interaction_key
),

final as (
    select
        interaction_key,
        customer_id,
        linked_ticket_key,
        interaction_type,
        source_system,
        channel,
        topic,
        reason,
        priority,
        handled_by,
        outcome,
        case
            when outcome = 'ticket_created' then coalesce(linked_resolution_status, 'open')
            else resolution_status
        end as resolution_status,
        resolution_note,
        satisfaction_metric,
        satisfaction_score,
        duration_seconds,
        round(
            {{ date_diff_sql(
                'minute', 'opened_at', "case when outcome = 'ticket_created' then linked_resolved_at else resolved_at end"
            ) }} / {{ double_literal('60.0') }},
            1
        ) as resolution_hours,
        case
            when outcome = 'ticket_created' then coalesce(linked_resolution_status, 'open') = 'open'
            else resolution_status = 'open'
        end as is_open,
        is_complaint,
        opened_at,
        case when outcome = 'ticket_created' then linked_resolved_at else resolved_at end as resolved_at
    from with_linked_tickets
)

select * from final
