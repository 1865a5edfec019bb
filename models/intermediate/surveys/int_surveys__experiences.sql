{#- Experiences that should trigger a transactional survey, one row each: a completed delivery, a
    completed installation or a solved ticket of a customer (int_customer__events whose
    event type a touchpoint of ref_survey_touchpoints names); an experience recorded twice keeps its
    earliest occurrence (on a tie, the smallest event key). The base of the survey coverage marts. -#}

with

customer_events as (
    select * from {{ ref('int_customer__events') }}
),

touchpoints as (
    select * from {{ ref('ref_survey_touchpoints') }}
),

final as (
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
        partition by customer_events.record_key
        order by customer_events.occurred_at, customer_events.event_key, touchpoints.touchpoint
    ) = 1
)

select * from final
