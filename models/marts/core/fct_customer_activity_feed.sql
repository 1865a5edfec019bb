{#- The customer's service and follow-up history as a feed for sales and account teams, newest
    first: support tickets and complaints, contact-center calls and chats, and CRM follow-up tasks,
    one row each, with how it ended — resolved, open or unresolved, the outcome, the latest agent
    note, the hours it took and, for tickets, the satisfaction score of the survey it triggered
    (consented responses only). activity_rank 1 is the customer's latest activity. -#}

with

service_interactions as (
    select * from {{ ref('int_customer__service_interactions') }}
),

follow_ups as (
    select * from {{ ref('int_customer__crm_follow_ups') }}
),

follow_up_activities as (
    select
        follow_up_key as activity_key,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as linked_ticket_key,
        'follow_up' as activity_type,
        'crm' as source_system,
        task_type as channel,
        subject as topic,
        task_type as reason,
        priority,
        owner_name as handled_by,
        task_status as outcome,
        case when is_open then 'open' else 'resolved' end as resolution_status,
        case
            when not is_open then 'Completed by ' || coalesce(owner_name, 'the owner') || '.'
            when due_date is not null then 'Due ' || {{ format_date_sql('due_date', '%Y-%m-%d') }} || '.'
        end as resolution_note,
        cast(null as {{ dbt.type_string() }}) as satisfaction_metric,
        cast(null as integer) as satisfaction_score,
        cast(null as integer) as duration_seconds,
        round({{ date_diff_sql('minute', 'created_at', 'completed_at') }} / {{
            double_literal('60.0') }}, 1) as resolution_hours,
        is_open,
        false as is_complaint,
        created_at as opened_at,
        completed_at as resolved_at
    from follow_ups
    where created_at is not null
),

service_activities as (
    select
        interaction_key as activity_key,
        customer_id,
        linked_ticket_key,
        interaction_type as activity_type,
        source_system,
        channel,
        topic,
        reason,
        priority,
        handled_by,
        outcome,
        resolution_status,
        resolution_note,
        satisfaction_metric,
        satisfaction_score,
        duration_seconds,
        resolution_hours,
        is_open,
        is_complaint,
        opened_at,
        resolved_at
    from service_interactions
    where opened_at is not null
),

unioned as (
    select * from service_activities
    union all
    select * from follow_up_activities
),

final as (
    select
        activity_key,
        customer_id,
        linked_ticket_key,
        activity_type,
        source_system,
        channel,
        topic,
        reason,
        priority,
        handled_by,
        outcome,
        resolution_status,
        resolution_note,
        satisfaction_metric,
        cast(satisfaction_score as integer) as satisfaction_score,
        cast(duration_seconds as integer) as duration_seconds,
        cast(row_number() over (partition by customer_id order by opened_at desc, activity_key asc) as integer)
            as activity_rank,
        cast(resolution_hours as double) as resolution_hours,
        is_open,
        is_complaint,
        opened_at,
        resolved_at
    from unioned
)

select * from final
