{#- Repeat contacts by issue reason and department, one row per pair seen in
    int_communications__service_contacts: all contacts, the contacts that belong to a repeat-contact
    episode (fct_repeat_contacts), how many of those were repeats (not the episode's first contact),
    the episodes and customers involved and the share of the department's contacts on that reason
    that were repeats. An episode that went through several departments counts in each. -#}

with

contacts as (
    select * from {{ ref('int_communications__service_contacts') }}
),

repeat_episodes as (
    select * from {{ ref('fct_repeat_contacts') }}
),

flagged as (
    select
        contacts.*,
        repeat_episodes.repeat_contact_episode_id is not null as is_in_repeat_episode
    from contacts
    left join repeat_episodes
        on contacts.contact_episode_id = repeat_episodes.repeat_contact_episode_id
),

aggregated as (
    select
        issue_reason,
        department,
        count(*) as contact_count,
        count(*) filter (where is_in_repeat_episode) as repeat_episode_contact_count,
        count(*) filter (where is_in_repeat_episode and contact_number_in_episode > 1) as repeat_contact_count,
        count(distinct contact_episode_id) filter (where is_in_repeat_episode) as repeat_episode_count,
        count(distinct customer_id) filter (where is_in_repeat_episode) as repeat_customer_count,
        count(distinct customer_id) as customer_count
    from flagged
    group by issue_reason, department
),

final as (
    select
        {{ dbt.concat(["issue_reason", "'|'", "department"]) }} as repeat_contact_summary_id,
        issue_reason,
        department,
        cast(contact_count as integer) as contact_count,
        cast(repeat_episode_contact_count as integer) as repeat_episode_contact_count,
        cast(repeat_contact_count as integer) as repeat_contact_count,
        cast(repeat_episode_count as integer) as repeat_episode_count,
        cast(repeat_customer_count as integer) as repeat_customer_count,
        cast(customer_count as integer) as customer_count,
        cast(round(repeat_contact_count / nullif(contact_count, 0), 4) as double) as repeat_contact_share
    from aggregated
)

select * from final
