{#- Survey coverage: every experience that should trigger a transactional survey — a completed
    delivery, a completed installation, a solved ticket (ref_survey_touchpoints) — one row each, with
    the number of responses linked to it (int_surveys__response_links, any link method) and
    has_survey. Responses of respondents who did not consent count too (the survey was sent and
    answered), but no response id, score or comment is shown here. -#}

with

customer_events as (
    select * from {{ ref('int_lifecycle__customer_events') }}
),

touchpoints as (
    select * from {{ ref('ref_survey_touchpoints') }}
),

links as (
    select * from {{ ref('int_surveys__response_links') }}
    where is_linked
),

experiences as (
    select
        customer_events.record_key as experience_key,
        customer_events.customer_id,
        touchpoints.touchpoint,
        customer_events.event_type,
        customer_events.occurred_at as experience_at
    from customer_events
    inner join touchpoints
        on customer_events.event_type = touchpoints.event_type
    qualify row_number() over (
        partition by customer_events.record_key order by customer_events.occurred_at
    ) = 1
),

response_counts as (
    select
        linked_experience_key,
        count(*) as response_count
    from links
    group by linked_experience_key
),

final as (
    select
        experiences.experience_key,
        experiences.customer_id,
        experiences.touchpoint,
        experiences.event_type,
        cast(coalesce(response_counts.response_count, 0) as bigint) as response_count,
        response_counts.linked_experience_key is not null as has_survey,
        cast(experiences.experience_at as date) as experience_date,
        experiences.experience_at
    from experiences
    left join response_counts
        on experiences.experience_key = response_counts.linked_experience_key
)

select * from final
