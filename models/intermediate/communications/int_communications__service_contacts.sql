{%- set window_days = var('repeat_contact_window_days') -%}

{#- Every time a customer raised an issue with us, one row per contact, with a conformed issue reason
    (seed ref_contact_issue_reasons), the department that took it, and the repeat-contact episode it
    belongs to. By default only contacts the customer started (inbound) count:
    - support tickets (reason from the subject, department the support group); a ticket opened by a
      call or chat is that call's record, not a second contact, so it is left out and the call takes
      the ticket's (more specific) reason;
    - contact-center calls and chats (reason code, department the queue);
    - only when var repeat_contact_count_ticket_comments is true: the customer's own follow-up
      comments on a ticket (every end-user comment after the first, which is the ticket's opening
      message), with the ticket's reason and group. Off by default: writing again on the same
      ticket continues one conversation whose history the agent sees, it is not telling the story
      again;
    - only when var repeat_contact_count_crm_tasks is true: CRM follow-up tasks about a complaint.
      Off by default: the account team creates them, so they are our own outbound follow-ups, not
      the customer raising the issue again (with them, most complaint episodes looked repeated).
    A contact whose reason is not in the seed gets issue_reason `other` and is_reason_mapped false.
    Episodes: per customer and issue reason, contacts in time order; a contact starts a new episode
    when it comes `repeat_contact_window_days` ({{ window_days }}) days or more after the previous
    one, otherwise it continues the episode (the gap is whole days between the contact dates). -#}

{%- set has_support = source_enabled('support') %}
{%- set count_comments = var('repeat_contact_count_ticket_comments') | string | lower in ['true', '1', 'yes'] %}
{%- set count_crm_tasks = var('repeat_contact_count_crm_tasks') | string | lower in ['true', '1', 'yes'] %}

with

service_interactions as (
    select * from {{ ref('int_customer__service_interactions') }}
),

issue_reasons as (
    select * from {{ ref('ref_contact_issue_reasons') }}
),

follow_ups as (
    select * from {{ ref('int_customer__crm_follow_ups') }}
),

interactions_with_reason as (
    select
        service_interactions.*,
        issue_reasons.issue_reason as mapped_issue_reason
    from service_interactions
    left join issue_reasons
        on
            service_interactions.source_system = issue_reasons.source_system
            and issue_reasons.source_table = case service_interactions.source_system
                when 'support' then 'tickets' else 'interactions'
            end
            and lower(trim(
                case service_interactions.source_system
                    when 'support' then service_interactions.topic else service_interactions.reason
                end
            )) = issue_reasons.source_reason
),

tickets_opened_by_calls as (
    select distinct linked_ticket_key
    from service_interactions
    where linked_ticket_key is not null
),

interaction_contacts as (
    select
        interactions.interaction_key as contact_key,
        interactions.customer_id,
        interactions.source_system,
        case interactions.source_system when 'support' then 'ticket' else interactions.interaction_type end
            as contact_type,
        interactions.channel,
        coalesce(interactions.handled_by, 'unknown') as department,
        coalesce(linked.mapped_issue_reason, interactions.mapped_issue_reason, 'other') as issue_reason,
        coalesce(linked.mapped_issue_reason, interactions.mapped_issue_reason) is not null as is_reason_mapped,
        interactions.is_complaint or coalesce(linked.is_complaint, false) as is_complaint,
        interactions.opened_at as contacted_at
    from interactions_with_reason as interactions
    left join interactions_with_reason as linked
        on interactions.linked_ticket_key = linked.interaction_key
    left join tickets_opened_by_calls
        on interactions.interaction_key = tickets_opened_by_calls.linked_ticket_key
    where
        tickets_opened_by_calls.linked_ticket_key is null
        and interactions.opened_at is not null
),

{% if has_support and count_comments %}
comments as (
    select * from {{ ref('stg_support__ticket_comments') }}
    where not is_rejected and author_role = 'end_user'
),

comment_contacts as (
    select
        comments.record_key as contact_key,
        tickets.customer_id,
        'support' as source_system,
        'ticket_comment' as contact_type,
        'ticket_comment' as channel,
        coalesce(tickets.handled_by, 'unknown') as department,
        coalesce(tickets.mapped_issue_reason, 'other') as issue_reason,
        tickets.mapped_issue_reason is not null as is_reason_mapped,
        tickets.is_complaint,
        comments.created_at as contacted_at
    from comments
    inner join interactions_with_reason as tickets
        on {{ record_key('support', 'tickets', 'comments.ticket_id') }} = tickets.interaction_key
    where comments.created_at is not null
    -- the first end-user comment is the message that opened the ticket
    qualify row_number() over (
        partition by comments.ticket_id order by comments.created_at, comments.ticket_comment_id
    ) > 1
),
{% endif %}

follow_up_contacts as (
    select
        follow_ups.follow_up_key as contact_key,
        follow_ups.customer_id,
        'crm' as source_system,
        'follow_up' as contact_type,
        coalesce(follow_ups.task_type, 'unknown') as channel,
        'account_management' as department,
        issue_reasons.issue_reason,
        true as is_reason_mapped,
        true as is_complaint,
        follow_ups.created_at as contacted_at
    from follow_ups
    inner join issue_reasons
        on
            issue_reasons.source_system = 'crm'
            and issue_reasons.source_table = 'tasks'
            and lower(trim(follow_ups.subject)) = issue_reasons.source_reason
    where
        follow_ups.created_at is not null
        -- CRM tasks are our own follow-ups: counted only with var repeat_contact_count_crm_tasks
        and {{ 'true' if count_crm_tasks else 'false' }}
),

unioned as (
    select * from interaction_contacts
    {%- if has_support and count_comments %}
    union all
    select * from comment_contacts
    {%- endif %}
    union all
    select * from follow_up_contacts
),

with_gaps as (
    select
        *,
        {{ date_diff_sql('day', 'lag(cast(contacted_at as date)) over (
                partition by customer_id, issue_reason order by contacted_at, contact_key
            )', 'cast(contacted_at as date)') }} as days_since_previous_contact
    from unioned
),

with_episode_numbers as (
    select
        *,
        sum(
            case
                when days_since_previous_contact is null or days_since_previous_contact >= {{ window_days }} then 1
                else 0
            end
        ) over (
            partition by customer_id, issue_reason order by contacted_at, contact_key
            rows between unbounded preceding and current row
        ) as episode_number
    from with_gaps
),

final as (
    select
        contact_key,
        customer_id,
        {{ dbt.concat([
            "customer_id", "'|'", "issue_reason", "'|'", dbt.safe_cast("episode_number", dbt.type_string()),
        ]) }} as contact_episode_id,
        source_system,
        contact_type,
        channel,
        department,
        issue_reason,
        cast(episode_number as integer) as episode_number,
        cast(days_since_previous_contact as integer) as days_since_previous_contact,
        cast(row_number() over (
            partition by customer_id, issue_reason, episode_number order by contacted_at, contact_key
        ) as integer) as contact_number_in_episode,
        is_reason_mapped,
        is_complaint,
        cast(contacted_at as date) as contacted_date,
        contacted_at
    from with_episode_numbers
)

select * from final
