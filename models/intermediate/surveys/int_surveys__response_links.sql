{#- The experience each survey response rates, one row per response. Rules, first that applies:
    (1) `embedded_id` — the trigger id passed in the embedded data for the survey's touchpoint (the
    project for delivery and installation surveys, the ticket for support surveys);
    (2) `embedded_order_id` — only the order id was passed: the order's experience of the survey's
    touchpoint, the latest one before the response (else the earliest after it);
    (3) `time_window` — the respondent's latest experience of the touchpoint's event type
    (ref_survey_touchpoints) at or before the response and within var('survey_link_window_days')
    days (calendar dates, 0..N: a gap of N days links, N+1 does not); `link_gap_days` /
    `link_gap_hours` record the gap;
    (4) `household_time_window` — the respondent has no such experience, but another customer of
    their household (int_identity__households) has one in the same window: the latest is taken (a job
    is often rated by another member of the household, or identity resolution split the respondent
    from the buyer);
    (5) otherwise unlinked, with `unlinked_reason`: relationship surveys rate no single experience,
    an anonymous or unresolved respondent has no experiences, or none was found in the window. -#}

with

responses as (
    select * from {{ ref('int_customer__survey_responses') }}
),

touchpoints as (
    select * from {{ ref('ref_survey_touchpoints') }}
),

customer_events as (
    select * from {{ ref('int_customer__events') }}
),

households as (
    select * from {{ ref('int_identity__households') }}
    where has_household
),

{% if source_enabled('orders') %}
projects as (
    select * from {{ ref('stg_orders__projects') }}
    where not is_rejected
),
{% endif %}

experiences as (
    select
        customer_events.record_key as experience_key,
        customer_events.customer_id,
        touchpoints.touchpoint,
        {% if source_enabled('orders') -%}
        case
            when touchpoints.experience_source_table = 'tickets' then customer_events.related_record_key
            else {{ record_key('orders', 'orders', 'projects.order_id') }}
        end as order_key,
        {%- else -%}
        customer_events.related_record_key as order_key,
        {%- endif %}
        customer_events.occurred_at as experience_at
    from customer_events
    inner join touchpoints
        on customer_events.event_type = touchpoints.event_type
    {% if source_enabled('orders') -%}
    left join projects
        on customer_events.record_key = projects.record_key
    {%- endif %}
),

transactional as (
    select
        responses.response_key,
        responses.customer_id,
        responses.touchpoint,
        responses.recorded_at,
        responses.triggering_order_key,
        case touchpoints.experience_source_table
            when 'projects' then responses.triggering_project_key
            when 'tickets' then responses.triggering_ticket_key
        end as embedded_experience_key,
        touchpoints.touchpoint is not null as is_transactional
    from responses
    left join touchpoints
        on responses.touchpoint = touchpoints.touchpoint
),

order_candidates as (
    select
        transactional.response_key,
        experiences.experience_key,
        experiences.experience_at
    from transactional
    inner join experiences
        on
            transactional.triggering_order_key = experiences.order_key
            and transactional.touchpoint = experiences.touchpoint
    where transactional.embedded_experience_key is null
    qualify row_number() over (
        partition by transactional.response_key
        order by
            experiences.experience_at <= transactional.recorded_at desc,
            abs({{ date_diff_sql('second', 'experiences.experience_at', 'transactional.recorded_at') }}) asc,
            experiences.experience_key asc
    ) = 1
),

-- whose experiences a response may rate by time: the respondent's own first, then their household's
respondent_scopes as (
    select distinct
        customer_id as respondent_customer_id,
        customer_id as experience_customer_id,
        1 as scope_rank
    from responses
    where customer_id is not null
    union all
    select
        respondent_households.customer_id as respondent_customer_id,
        member_households.customer_id as experience_customer_id,
        2 as scope_rank
    from households as respondent_households
    inner join households as member_households
        on
            respondent_households.household_id = member_households.household_id
            and respondent_households.customer_id != member_households.customer_id
),

window_candidates as (
    select
        transactional.response_key,
        experiences.experience_key,
        experiences.experience_at,
        respondent_scopes.scope_rank
    from transactional
    inner join respondent_scopes
        on transactional.customer_id = respondent_scopes.respondent_customer_id
    inner join experiences
        on
            respondent_scopes.experience_customer_id = experiences.customer_id
            and transactional.touchpoint = experiences.touchpoint
            and transactional.recorded_at >= experiences.experience_at
            and {{ date_diff_sql(
                'day', 'cast(experiences.experience_at as date)', 'cast(transactional.recorded_at as date)'
            ) }}
            <= {{ var('survey_link_window_days') }}
    where transactional.embedded_experience_key is null
    qualify row_number() over (
        partition by transactional.response_key
        order by respondent_scopes.scope_rank asc, experiences.experience_at desc, experiences.experience_key asc
    ) = 1
),

embedded_experiences as (
    select
        experience_key,
        min(experience_at) as experience_at
    from experiences
    group by experience_key
),

linked as (
    select
        transactional.response_key,
        transactional.customer_id,
        transactional.touchpoint,
        transactional.recorded_at,
        case
            when transactional.embedded_experience_key is not null then 'embedded_id'
            when order_candidates.experience_key is not null then 'embedded_order_id'
            when window_candidates.scope_rank = 1 then 'time_window'
            when window_candidates.scope_rank = 2 then 'household_time_window'
            when not transactional.is_transactional then 'not_applicable'
            else 'unlinked'
        end as link_method,
        coalesce(
            transactional.embedded_experience_key,
            order_candidates.experience_key,
            window_candidates.experience_key
        ) as linked_experience_key,
        case
            when transactional.embedded_experience_key is not null then embedded_experiences.experience_at
            when order_candidates.experience_key is not null then order_candidates.experience_at
            else window_candidates.experience_at
        end as experience_at,
        case
            when transactional.embedded_experience_key is not null then null
            when order_candidates.experience_key is not null then null
            when window_candidates.experience_key is not null then null
            when not transactional.is_transactional then 'relationship or untyped survey: rates no single experience'
            when transactional.customer_id is null then 'anonymous or unresolved respondent'
            else 'no experience of the touchpoint within the window'
        end as unlinked_reason
    from transactional
    left join order_candidates
        on transactional.response_key = order_candidates.response_key
    left join window_candidates
        on transactional.response_key = window_candidates.response_key
    left join embedded_experiences
        on transactional.embedded_experience_key = embedded_experiences.experience_key
),

final as (
    select
        response_key,
        linked_experience_key,
        touchpoint,
        link_method,
        unlinked_reason,
        cast({{ date_diff_sql(
            'day', 'cast(experience_at as date)', 'cast(recorded_at as date)'
        ) }} as integer) as link_gap_days,
        round({{ date_diff_sql('minute', 'experience_at', 'recorded_at') }} / {{
            double_literal('60.0') }}, 1) as link_gap_hours,
        linked_experience_key is not null as is_linked,
        experience_at,
        recorded_at
    from linked
)

select * from final
