{%- set min_contacts = var('repeat_contact_min_contacts') -%}

{#- Customers who had to tell their story more than once: one row per repeat-contact episode, i.e.
    an episode of int_communications__service_contacts (contacts of one customer about one issue
    reason, each fewer than repeat_contact_window_days after the previous) with at least
    repeat_contact_min_contacts ({{ min_contacts }}) contacts. Lists the channels, departments and
    systems the customer went through. -#}

with

contacts as (
    select * from {{ ref('int_communications__service_contacts') }}
),

episodes as (
    select
        contact_episode_id,
        customer_id,
        issue_reason,
        min_by(contact_key, contact_number_in_episode) as first_contact_key,
        max_by(contact_key, contact_number_in_episode) as last_contact_key,
        {{ string_agg_distinct_sorted('channel', ', ') }} as channels,
        {{ string_agg_distinct_sorted('department', ', ') }} as departments,
        {{ string_agg_distinct_sorted('source_system', ', ') }} as source_systems,
        count(*) as contact_count,
        count(distinct channel) as channel_count,
        count(distinct department) as department_count,
        count(distinct source_system) as source_system_count,
        bool_or(is_complaint) as has_complaint,
        min(contacted_date) as first_contact_date,
        max(contacted_date) as last_contact_date,
        min(contacted_at) as first_contact_at,
        max(contacted_at) as last_contact_at
    from contacts
    group by contact_episode_id, customer_id, issue_reason
),

final as (
    select
        contact_episode_id as repeat_contact_episode_id,
        customer_id,
        first_contact_key,
        last_contact_key,
        issue_reason,
        channels,
        departments,
        source_systems,
        cast(contact_count as integer) as contact_count,
        cast(contact_count - 1 as integer) as repeat_contact_count,
        cast(channel_count as integer) as channel_count,
        cast(department_count as integer) as department_count,
        cast(source_system_count as integer) as source_system_count,
        cast({{ date_diff_sql('day', 'first_contact_date', 'last_contact_date') }} as integer) as episode_days,
        channel_count > 1 as is_cross_channel,
        department_count > 1 as is_cross_department,
        has_complaint,
        first_contact_date,
        last_contact_date,
        first_contact_at,
        last_contact_at
    from episodes
    where contact_count >= {{ min_contacts }}
)

select * from final
